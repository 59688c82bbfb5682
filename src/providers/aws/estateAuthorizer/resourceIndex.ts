/**
 * The estate's resources (functions included) sorted by ARN, so that a policy's Resource pattern finds its
 * candidates by literal-prefix range instead of by scanning every resource.
 */
import type { FunctionNode, Resource } from '../../../model/index.js';
import { isNamePattern, splitArn, toArnValue, type ArnPattern } from '../authorizer/index.js';
import { RESOURCE_ACTIONS, resourceFromArn, type ResourceActions } from '../estate/index.js';
import { literalPrefix, PrefixIndex } from './prefixIndex.js';

/** One key a resource can be requested under: its ARN, or `<bucket ARN>/*` for object-level S3 actions. */
export interface ResourceKey {
  key: string;
  resource: Resource;
  /** The actions that apply under this key. */
  actions: string[];
}

function rulesFor(resource: Resource): ResourceActions | undefined {
  return RESOURCE_ACTIONS[`${resource.service}/${resource.type}`];
}

export class ResourceIndex {
  readonly byId = new Map<string, Resource>();
  private readonly keys: ResourceKey[] = [];
  /** Keys of resources whose id stands for generated names (`*` in the resource part). */
  private readonly patternKeys = new PrefixIndex<ResourceKey>();
  private readonly byService = new Map<string, ResourceKey[]>();

  /**
   * `objectKeys`: per bucket ARN, the object-key patterns policies name (`bucket/2024/*`). Each is a key of its own,
   * so a grant or a notification on a prefix meets the accesses on that prefix; `bucket/*` is always one.
   */
  constructor(
    resources: readonly Resource[],
    functions: readonly FunctionNode[],
    objectKeys: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ) {
    for (const resource of resources) this.byId.set(resource.id, resource);
    for (const fn of functions) {
      if (!this.byId.has(fn.id)) this.byId.set(fn.id, { ...resourceFromArn(fn.id), name: fn.name });
    }
    for (const resource of this.byId.values()) {
      const rule = rulesFor(resource);
      if (!rule) continue;
      this.add({ key: resource.id, resource, actions: rule.actions });
      if (rule.objectLevel) {
        for (const key of objectKeysOf(resource.id, objectKeys))
          this.add({ key, resource, actions: rule.objectLevel });
      }
    }
    this.keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private add(key: ResourceKey): void {
    this.keys.push(key);
    if (isNamePattern(key.resource.id)) this.patternKeys.add(literalPrefix(key.key), key);
    const list = this.byService.get(key.resource.service) ?? [];
    list.push(key);
    this.byService.set(key.resource.service, list);
  }

  all(): readonly ResourceKey[] {
    return this.keys;
  }

  ofService(service: string): readonly ResourceKey[] {
    return this.byService.get(service) ?? [];
  }

  /** Keys whose ARN starts with `prefix` (binary search for the range). */
  withPrefix(prefix: string): ResourceKey[] {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as ResourceKey).key < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: ResourceKey[] = [];
    for (let i = lo; i < this.keys.length && (this.keys[i] as ResourceKey).key.startsWith(prefix); i++) {
      out.push(this.keys[i] as ResourceKey);
    }
    return out;
  }

  /** Candidate keys for a Resource pattern: its literal prefix narrows them; variables make the rest open. */
  candidates(pattern: ArnPattern): readonly ResourceKey[] {
    const first = pattern.tokens[0];
    const prefix = first?.kind === 'text' ? first.text : '';
    const keys = prefix ? this.withPrefix(prefix) : this.keys;
    const found = pattern.variables
      ? keys
      : keys.filter(
          (k) => pattern.matches({ text: k.key, parts: splitArn(k.key) }, () => undefined) === true,
        );
    // A generated name (`stack-Table-*`) sorts apart from the concrete names it stands for: try those whose
    // literal prefix is compatible with the pattern's.
    if (this.patternKeys.size === 0) return found;
    const listed = new Set(found);
    const generated = this.patternKeys
      .compatible(prefix)
      .filter(
        (k) =>
          !listed.has(k) &&
          (pattern.variables || pattern.relate(toArnValue(k.key, true), () => undefined) !== 'none'),
      );
    return generated.length > 0 ? [...found, ...generated] : found;
  }
}

/** The object keys a bucket is requested under: `<bucket>/*` and every prefix pattern policies name. */
export function objectKeysOf(
  bucketId: string,
  objectKeys: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  return [...new Set([`${bucketId}/*`, ...(objectKeys.get(bucketId) ?? [])])].sort();
}
