/**
 * What the block table needs so that identity can travel at run time (see docs/runtime-identity.md): per function,
 * which functions may hand it a hop token and through which resource (`upstream`), whether identities read from
 * its event can be believed (`eventClaims`), and which of the origins it blocks can arrive with nobody vouching
 * for them (`unvouched`). Pure: computed from the profile's UserInvoke and function graph.
 */
import type { FunctionBlocks, UserInvoke } from '../model/index.js';
import type { FunctionGraph } from './functionGraph.js';

export interface IdentityInputs {
  userInvoke: readonly UserInvoke[];
  graph: FunctionGraph;
  /** Principal ids whose unique id (AIDA…/AROA…) the table maps, so an SQS `SenderId` or S3 `principalId` names them. */
  uniquelyNamed: ReadonlySet<string>;
  /** Functions that run without an agent: whoever reaches them reaches their targets unvouched. */
  uninstrumented?: ReadonlySet<string>;
}

/** Entry kinds whose event carries an identity the platform verified (when the function is not invoked directly). */
const PLATFORM_IDENTIFIED = new Set(['http', 'queue', 'object-store']);
/** Of those, the ones that name the writer by unique id (a mapping is needed to know who it is). */
const BY_UNIQUE_ID = new Set(['queue', 'object-store']);

export function annotateIdentity(functions: Map<string, FunctionBlocks>, inputs: IdentityInputs): void {
  const { userInvoke, graph } = inputs;
  const uninstrumented = inputs.uninstrumented ?? new Set<string>();
  const incoming = new Map<string, { from: string; resource: string }[]>();
  for (const [from, edges] of graph)
    for (const edge of edges) {
      const list = incoming.get(edge.to) ?? [];
      list.push({ from, resource: edge.via.resource });
      incoming.set(edge.to, list);
    }

  // Origins blocked at each function or anywhere after it: what a claim accepted here could be passed on to.
  const blockedAfter = new Map<string, Set<string>>();
  for (const id of functions.keys()) {
    const origins = new Set<string>();
    for (const reached of reachable(id, graph)) {
      const blocked = functions.get(reached)?.blocked ?? {};
      for (const [origin, accesses] of Object.entries(blocked)) if (accesses.length > 0) origins.add(origin);
    }
    blockedAfter.set(id, origins);
  }

  const directInvokers = new Map<string, Set<string>>();
  for (const u of userInvoke)
    if (u.entry.via === 'invoke') add(directInvokers, u.entry.function, u.principal);
  for (const [id, fn] of functions) {
    const after = blockedAfter.get(id) ?? new Set<string>();
    fn.eventClaims = ![...(directInvokers.get(id) ?? [])].some((p) => after.has(p));
    const upstream: Record<string, string[]> = {};
    for (const { from, resource } of incoming.get(id) ?? []) {
      const list = (upstream[from] ??= []);
      if (!list.includes(resource)) list.push(resource);
    }
    for (const list of Object.values(upstream)) list.sort();
    fn.upstream = upstream;
  }

  // Who arrives at each function unvouched (tokenless), and who arrives at all; then closed over the graph: an
  // agent passes on only origins it verified, so what arrives unvouched at f goes on unvouched to f's targets.
  const unvouched = new Map<string, Set<string>>();
  const arrives = new Map<string, Set<string>>();
  for (const u of userInvoke) {
    const fn = u.entry.function;
    add(arrives, fn, u.principal);
    const identified =
      PLATFORM_IDENTIFIED.has(u.entry.via) &&
      functions.get(fn)?.eventClaims === true &&
      (!BY_UNIQUE_ID.has(u.entry.via) || inputs.uniquelyNamed.has(u.principal));
    if (!identified) add(unvouched, fn, u.principal);
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const [from, edges] of graph) {
      const passOn = uninstrumented.has(from) ? arrives.get(from) : unvouched.get(from);
      for (const edge of edges) {
        for (const origin of arrives.get(from) ?? []) changed = add(arrives, edge.to, origin) || changed;
        for (const origin of passOn ?? []) changed = add(unvouched, edge.to, origin) || changed;
      }
    }
  }
  for (const [id, fn] of functions) {
    const here = unvouched.get(id) ?? new Set<string>();
    fn.unvouched = Object.keys(fn.blocked)
      .filter((origin) => here.has(origin) && (fn.blocked[origin]?.length ?? 0) > 0)
      .sort();
  }
}

function add(map: Map<string, Set<string>>, key: string, value: string): boolean {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  if (set.has(value)) return false;
  set.add(value);
  return true;
}

function reachable(start: string, graph: FunctionGraph): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++)
    for (const edge of graph.get(queue[i]!) ?? [])
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
  return seen;
}
