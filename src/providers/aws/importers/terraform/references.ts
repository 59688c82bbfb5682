/**
 * Following a plan's configuration from an attribute whose value is unknown until apply to the resources it refers
 * to: `aws_iam_role.exec.arn` in the same module, `var.x` through the module call's argument, `module.m.out` through
 * the child's output. Locals, data sources and loop variables lead nowhere the JSON shows; they are returned as
 * unresolved so the caller can say so.
 */
import { isRecord } from '../common/json.js';
import type { TfConfigModule, TfConfigResource, TfDocument, TfResource } from './showJson.js';

/** An attribute inside a resource: keys and nested-block indexes, e.g. `['lambda_function', 0, 'lambda_function_arn']`. */
export type AttrPath = readonly (string | number)[];

export interface Resolution {
  /** The resource instances the expression refers to. */
  resources: TfResource[];
  /** References that lead to no resource in the input. */
  unresolved: string[];
}

const MAX_HOPS = 16;
const DEAD_ENDS = new Set(['data', 'local', 'each', 'count', 'path', 'terraform', 'self']);

/** Splits a reference on the dots outside brackets: `aws_x.y["a.b"].arn` → `aws_x`, `y["a.b"]`, `arn`. */
function splitReference(reference: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < reference.length; i++) {
    const c = reference[i] as string;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < reference.length) current += reference[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** `name[0]` → name and index 0; `name["k"]` → name and "k". */
function nameAndIndex(segment: string): { name: string; index?: string } {
  const open = segment.indexOf('[');
  if (open < 0 || !segment.endsWith(']')) return { name: segment };
  const raw = segment.slice(open + 1, -1);
  let index = raw;
  if (raw.startsWith('"')) {
    try {
      index = String(JSON.parse(raw));
    } catch {
      index = raw.slice(1, -1);
    }
  }
  return { name: segment.slice(0, open), index };
}

function referencesOf(expression: unknown): string[] {
  if (!isRecord(expression) || !Array.isArray(expression.references)) return [];
  return expression.references.filter((r): r is string => typeof r === 'string');
}

/** A module instance as its calls: `module.a["x"].module.b` → a["x"], b. A call without index matches any. */
type InstancePath = { name: string; index?: string }[];

function instancePath(address: string): InstancePath {
  if (address === '') return [];
  const parts = splitReference(address);
  const path: InstancePath = [];
  for (let i = 1; i < parts.length; i += 2) path.push(nameAndIndex(parts[i] as string));
  return path;
}

function instanceMatches(candidate: InstancePath, pattern: InstancePath): boolean {
  return (
    candidate.length === pattern.length &&
    pattern.every(
      (call, i) =>
        call.name === candidate[i]?.name && (call.index === undefined || call.index === candidate[i]?.index),
    )
  );
}

export class ReferenceResolver {
  private readonly byConfigAddress = new Map<string, TfResource[]>();

  constructor(private readonly doc: TfDocument) {
    for (const resource of doc.resources) {
      if (resource.mode !== 'managed') continue;
      const list = this.byConfigAddress.get(resource.configAddress) ?? [];
      list.push(resource);
      this.byConfigAddress.set(resource.configAddress, list);
    }
  }

  /** The configuration of a resource, when the document carries a configuration. */
  configOf(resource: TfResource): TfConfigResource | undefined {
    const module = this.doc.modules.get(resource.modulePath);
    const local = resource.modulePath
      ? resource.configAddress.slice(resource.modulePath.length + 1)
      : resource.configAddress;
    return module?.resources.get(local);
  }

  /** The region of the provider configuration the resource uses, when it is a constant. */
  providerRegion(resource: TfResource): string | undefined {
    const key = this.configOf(resource)?.providerKey;
    if (!key) return this.doc.providerRegions.get('aws');
    // Older Terraform prefixes a module's provider key with the module (`module.m:aws`).
    return (
      this.doc.providerRegions.get(key) ?? this.doc.providerRegions.get(key.slice(key.lastIndexOf(':') + 1))
    );
  }

  /** The expression at `path` inside the resource's configuration, or undefined. */
  expressionAt(resource: TfResource, path: AttrPath): unknown {
    let node: unknown = this.configOf(resource)?.expressions;
    for (const key of path) {
      if (typeof key === 'number') node = Array.isArray(node) ? node[key] : undefined;
      else node = isRecord(node) ? node[key] : undefined;
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The resources the configuration expression at `path` refers to; undefined when there is no such expression. */
  resolve(from: TfResource, path: AttrPath): Resolution | undefined {
    const expression = this.expressionAt(from, path);
    const references = referencesOf(expression);
    if (references.length === 0) return undefined;
    const module = this.doc.modules.get(from.modulePath);
    const out: Resolution = { resources: [], unresolved: [] };
    if (module) this.follow(instancePath(from.moduleInstance), module, references, 0, out, new Set());
    return out;
  }

  private follow(
    /** The module instance being read: references to resources resolve to instances of this one. */
    instance: InstancePath,
    module: TfConfigModule,
    references: string[],
    hops: number,
    out: Resolution,
    /** `<module path> <reference>` already followed: a hostile configuration may loop. */
    seen: Set<string>,
  ): void {
    const before = out.resources.length;
    const deadEnds: string[] = [];
    for (const reference of references) {
      const key = `${module.path} ${reference}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [head, second, third] = splitReference(reference);
      if (!head || !second) continue;
      if (hops >= MAX_HOPS || DEAD_ENDS.has(head)) {
        deadEnds.push(reference);
      } else if (head === 'var') {
        const call = module.parent && module.callName ? module.parent.calls.get(module.callName) : undefined;
        const next = referencesOf(call?.expressions[nameAndIndex(second).name]);
        if (call && module.parent && next.length > 0) {
          this.follow(instance.slice(0, -1), module.parent, next, hops + 1, out, seen);
        } else deadEnds.push(reference);
      } else if (head === 'module') {
        const call = nameAndIndex(second);
        const child = module.calls.get(call.name)?.module;
        const next = third ? referencesOf(child?.outputs.get(third)) : [];
        if (child && next.length > 0) this.follow([...instance, call], child, next, hops + 1, out, seen);
        else deadEnds.push(reference);
      } else {
        const { name, index } = nameAndIndex(second);
        const address = module.path ? `${module.path}.${head}.${name}` : `${head}.${name}`;
        const found = (this.byConfigAddress.get(address) ?? []).filter(
          (r) =>
            instanceMatches(instancePath(r.moduleInstance), instance) &&
            (index === undefined || String(r.index) === index),
        );
        for (const resource of found) {
          if (!out.resources.includes(resource)) out.resources.push(resource);
        }
        if (found.length === 0) deadEnds.push(reference);
      }
    }
    // `var.x` next to `aws_x.y` in one list is noise once a resource was found.
    if (out.resources.length === before) out.unresolved.push(...deadEnds);
  }
}
