/**
 * The bypass search: requester u may start function f, f reaches (r, a) through a chain of functions, and u is
 * denied (r, a). Each result carries its witness chain, the shortest one, and the decision that denies u.
 */
import type { Access, Decision, EntryPoint, EstateAuthorizer, ReachEdge } from '../model/index.js';
import { pathTo, shortestPaths, type FunctionEdge } from './functionGraph.js';
import { accessKey, type ReachabilityProfile } from './reachabilityProfile.js';

export interface BypassPath {
  principal: string;
  entry: EntryPoint;
  /** Function hops from the entry function to the function that performs the access. */
  hops: { from: string; edge: FunctionEdge }[];
  /** The function whose identity performs the access. */
  holder: string;
  access: Access;
  /** How u is denied the access (explicit-deny, implicit-deny, or conditional). */
  denial: Decision;
  /** Context keys any edge of the chain depends on. */
  conditions: string[];
}

export interface BypassSearchOptions {
  /** Also report accesses u was simply never granted (implicit denial). */
  includeImplicit?: boolean;
}

/** Whether a decision denies the requester (possibly, for a conditional one) in a class worth reporting. */
function isReportedDenial(decision: Decision, includeImplicit: boolean): boolean {
  switch (decision.decision) {
    case 'allow':
      return false;
    case 'explicit-deny':
      return true;
    case 'implicit-deny':
      return (
        includeImplicit ||
        decision.reasons.some(
          (r) => r.kind === 'no-allow' && r.policyType !== 'identity' && r.policyType !== 'resource',
        )
      );
    case 'conditional':
      return (
        decision.possibleDecisions.includes('explicit-deny') ||
        (includeImplicit && decision.possibleDecisions.includes('implicit-deny'))
      );
  }
}

export function findBypassPaths(
  profile: ReachabilityProfile,
  authorizer: EstateAuthorizer,
  options: BypassSearchOptions = {},
): BypassPath[] {
  const includeImplicit = options.includeImplicit === true;
  // Outside requesters (anonymous, other accounts) are granted nothing of their own: any reach is the finding.
  const outside = new Set(profile.requesters.filter((r) => r.outside === true).map((r) => r.id));
  const paths = new Map<string, ReturnType<typeof shortestPaths>>();
  const decisions = new Map<string, Decision>();
  const keys = new Map<ReachEdge, string>();
  const keyOf = (edge: ReachEdge): string => {
    let key = keys.get(edge);
    if (key === undefined) {
      key = accessKey(edge.access);
      keys.set(edge, key);
    }
    return key;
  };
  const results: BypassPath[] = [];

  for (const invoke of profile.userInvoke) {
    const start = invoke.entry.function;
    let reached = paths.get(start);
    if (!reached) {
      reached = shortestPaths(start, profile.graph);
      paths.set(start, reached);
    }
    const seen = new Set<string>();
    const implicitToo = includeImplicit || outside.has(invoke.principal);
    // Nearest functions first, so the first function found to hold an access gives the shortest witness.
    for (const holder of reached.keys()) {
      for (const edge of profile.reach.get(holder) ?? []) {
        const key = keyOf(edge);
        if (seen.has(key)) continue;
        seen.add(key);
        // The entry itself is what u was allowed to do; reaching it again is no bypass.
        if (edge.access.resource === invoke.entry.resource && edge.access.action === invoke.entry.action)
          continue;
        if (!implicitToo && !authorizer.mayBeDenied(invoke.principal, edge.access)) continue;
        const decisionKey = `${invoke.principal}\u0000${key}`;
        let decision = decisions.get(decisionKey);
        if (!decision) {
          decision = authorizer.decide(invoke.principal, edge.access);
          decisions.set(decisionKey, decision);
        }
        if (!isReportedDenial(decision, implicitToo)) continue;
        const hops = pathTo(holder, reached);
        const conditions = new Set<string>([...(invoke.conditions ?? []), ...(edge.conditions ?? [])]);
        for (const hop of hops) for (const k of hop.edge.conditions ?? []) conditions.add(k);
        if (decision.decision === 'conditional')
          for (const k of decision.missingContextKeys) conditions.add(k);
        results.push({
          principal: invoke.principal,
          entry: invoke.entry,
          hops,
          holder,
          access: edge.access,
          denial: decision,
          conditions: [...conditions].sort(),
        });
      }
    }
  }
  return results;
}
