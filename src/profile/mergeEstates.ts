/** Merging the estates read from several files into one: entities are keyed by id, the first definition wins. */
import { emptyEstate, type Estate } from '../model/index.js';

function byId<T extends { id: string }>(lists: T[][]): T[] {
  const out = new Map<string, T>();
  for (const list of lists) {
    for (const item of list) {
      const existing = out.get(item.id);
      // A later file may know more about an entity (a function's role from list-functions, say).
      out.set(item.id, existing ? { ...item, ...existing, ...fill(existing, item) } : item);
    }
  }
  return [...out.values()];
}

/** Fields the first definition left empty, taken from a later one. */
function fill<T extends object>(first: T, later: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(later) as (keyof T)[]) {
    if (first[key] === undefined) out[key] = later[key];
  }
  return out;
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

export function mergeEstates(estates: Estate[]): Estate {
  const merged = emptyEstate();
  merged.principals = byId(estates.map((e) => e.principals));
  merged.functions = byId(estates.map((e) => e.functions));
  merged.resources = byId(estates.map((e) => e.resources));
  merged.triggers = unique(
    estates.flatMap((e) => e.triggers),
    (t) => `${t.source}\u0000${t.target}\u0000${t.firedBy.join(',')}`,
  );
  merged.policies = unique(
    estates.flatMap((e) => e.policies),
    (p) => `${p.type}\u0000${p.id}\u0000${p.attachedTo}`,
  );
  merged.memberships = unique(
    estates.flatMap((e) => e.memberships),
    (m) => `${m.user}\u0000${m.group}`,
  );
  merged.organization = unique(
    estates.flatMap((e) => e.organization),
    (o) => o.account,
  );
  merged.errors = estates.flatMap((e) => e.errors);
  merged.notices = unique(
    estates.flatMap((e) => e.notices ?? []),
    (n) => `${n.code}\u0000${n.file ?? ''}\u0000${n.message}`,
  );
  return merged;
}
