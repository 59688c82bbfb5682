/**
 * Keeping unresolved Serverless variables out of the estate's ARNs. A variable that stays as written
 * (`${ssm:/queue-arn}`) is reported once as an `unresolved-reference` notice; here the importer decides what the
 * places that would carry it do: an event whose source names one is skipped (a trigger from a source nobody can
 * name matches nothing, and a wildcard would invent one), and an IAM statement drops the resources that name one
 * (a wildcard would widen the grant; the policy engine would read `${...}` as an IAM policy variable).
 */
import { isRecord } from '../cloudformation/index.js';
import { variableSpans } from './variableSyntax.js';

/** The first unresolved variable in a value, as written, or undefined. */
export function firstUnresolved(value: unknown, depth = 0): string | undefined {
  if (depth > 64) return undefined;
  if (typeof value === 'string') {
    const span = variableSpans(value)[0];
    return span ? value.slice(span.start, span.end) : undefined;
  }
  const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  for (const item of items) {
    const found = firstUnresolved(item, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The settings of an event that name its source (or, for http, its route). */
const EVENT_SOURCE_FIELDS = [
  'arn',
  'topicName',
  'bucket',
  'eventBus',
  'listenerArn',
  'pattern',
  'event',
  'name',
  'path',
  'method',
  'route',
];

/** The unresolved variable in the part of an event that names its source, if any. */
export function unresolvedEventSource(value: unknown): string | undefined {
  if (!isRecord(value)) return firstUnresolved(value);
  for (const key of EVENT_SOURCE_FIELDS) {
    const found = firstUnresolved(value[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Parts of a statement where an unknown value leaves its meaning unknown: such a statement is dropped. */
const STATEMENT_FIELDS = ['Action', 'NotAction', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];

/**
 * The statement without the `Resource` entries that hold an unresolved variable; undefined when nothing of it
 * can be kept. `drop` is told what was removed and why.
 */
export function withoutUnresolved(
  statement: unknown,
  drop: (what: string, variable: string) => void,
): unknown {
  if (!isRecord(statement)) return statement;
  for (const key of STATEMENT_FIELDS) {
    const found = firstUnresolved(statement[key]);
    if (found !== undefined) {
      drop(`the statement (its ${key})`, found);
      return undefined;
    }
  }
  const resource = statement.Resource;
  const list = Array.isArray(resource) ? resource : resource === undefined ? [] : [resource];
  const kept = list.filter((entry) => {
    const found = firstUnresolved(entry);
    if (found !== undefined)
      drop(`the resource ${String(typeof entry === 'string' ? entry : '(object)')}`, found);
    return found === undefined;
  });
  if (kept.length === list.length) return statement;
  if (kept.length === 0) return undefined;
  return { ...statement, Resource: kept };
}
