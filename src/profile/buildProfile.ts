/**
 * Building the ARP, as a pipeline of named stages in order (like a compiler's passes):
 *   1. entry points      every way a request starts a function (direct invoke, event sources)
 *   2. user invoke       which requesters may start which function: candidates from indexes, then exact decisions
 *   3. service reach     what each function's identity may do: candidates from indexes, then exact decisions
 *                        (less the reads of its own trigger's poller)
 *   4. function graph    hops of service reach that start another function (invoke, trigger writes)
 * The closure and the bypass search over it are in `findBypassPaths`.
 */
import type { Access, EntryPoint, Estate, EstateAuthorizer, ReachEdge, UserInvoke } from '../model/index.js';
import { decideEntry, grants } from './decideEntry.js';
import type { FunctionEdge, FunctionGraph } from './functionGraph.js';
import { accessKey, type ReachabilityProfile } from './reachabilityProfile.js';

/** The union of condition lists; undefined when there are none. */
function joinConditions(...lists: (string[] | undefined)[]): string[] | undefined {
  const all = new Set(lists.flatMap((l) => l ?? []));
  return all.size > 0 ? [...all].sort() : undefined;
}

function computeUserInvoke(
  authorizer: EstateAuthorizer,
  entries: EntryPoint[],
  count: () => void,
): UserInvoke[] {
  const out: UserInvoke[] = [];
  for (const entry of entries) {
    const access: Access = { resource: entry.resource, action: entry.action };
    for (const principal of authorizer.candidateRequesters(access)) {
      count();
      const decided = grants(decideEntry(authorizer, principal, entry));
      const conditions = joinConditions(decided.conditions, entry.conditions);
      if (decided.granted) out.push({ principal, entry, ...(conditions ? { conditions } : {}) });
    }
  }
  return out;
}

function computeServiceReach(
  authorizer: EstateAuthorizer,
  estate: Estate,
  count: () => void,
): Map<string, ReachEdge[]> {
  const reach = new Map<string, ReachEdge[]>();
  for (const fn of estate.functions) {
    const edges: ReachEdge[] = [];
    if (fn.identity) {
      for (const access of authorizer.candidateReach(fn)) {
        // A poller reading the function's own queue or stream delivers those records to it anyway: no reach.
        if (authorizer.isTriggerPoll?.(fn.id, access) === true) continue;
        count();
        const { granted, conditions } = grants(authorizer.decide(fn.identity, access));
        if (granted) edges.push({ from: fn.id, access, ...(conditions ? { conditions } : {}) });
      }
    }
    reach.set(fn.id, edges);
  }
  return reach;
}

function buildFunctionGraph(
  reach: Map<string, ReachEdge[]>,
  entries: EntryPoint[],
  authorizer: EstateAuthorizer,
  identities: Map<string, string>,
): FunctionGraph {
  const startedBy = new Map<string, EntryPoint[]>();
  for (const entry of entries) {
    const key = accessKey(entry);
    const list = startedBy.get(key) ?? [];
    list.push(entry);
    startedBy.set(key, list);
  }
  const graph: FunctionGraph = new Map();
  for (const [from, edges] of reach) {
    const out: FunctionEdge[] = [];
    for (const edge of edges) {
      for (const entry of startedBy.get(accessKey(edge.access)) ?? []) {
        let edgeConditions = edge.conditions;
        // The function's write fires the entry only with the context the entry requires (an event rule's source).
        const identity = identities.get(from);
        if (entry.context && edge.conditions && identity) {
          const decided = grants(decideEntry(authorizer, identity, entry));
          if (!decided.granted) continue;
          edgeConditions = decided.conditions;
        }
        const conditions = joinConditions(edgeConditions, entry.conditions);
        edge.to ??= entry.function;
        out.push({
          to: entry.function,
          via: edge.access,
          hop: entry.via,
          ...(conditions ? { conditions } : {}),
        });
      }
    }
    graph.set(from, out);
  }
  return graph;
}

/** Builds the reachability profile of an estate through its cloud's authorizer. Pure and synchronous. */
export function buildProfile(estate: Estate, authorizer: EstateAuthorizer): ReachabilityProfile {
  const started = performance.now();
  let evaluations = 0;
  const count = (): void => {
    evaluations++;
  };
  const entries = authorizer.entryPoints();
  const userInvoke = computeUserInvoke(authorizer, entries, count);
  const reach = computeServiceReach(authorizer, estate, count);
  const identities = new Map(estate.functions.flatMap((f) => (f.identity ? [[f.id, f.identity]] : [])));
  const graph = buildFunctionGraph(reach, entries, authorizer, identities);
  const requesters = authorizer.requesters();
  return {
    cloud: authorizer.cloud,
    requesters,
    userInvoke,
    reach,
    graph,
    errors: [...estate.errors],
    stats: {
      requesters: requesters.length,
      functions: estate.functions.length,
      resources: estate.resources.length,
      entryPoints: entries.length,
      userInvoke: userInvoke.length,
      reachEdges: [...reach.values()].reduce((n, e) => n + e.length, 0),
      functionEdges: [...graph.values()].reduce((n, e) => n + e.length, 0),
      evaluations,
      buildMs: Math.round(performance.now() - started),
    },
  };
}
