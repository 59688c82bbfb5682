/**
 * The paths a requester may legitimately take: it may start the entry function, and the access at the end of the
 * chain is one it is allowed itself. Replayed by the drill with the requester identified, each must pass.
 */
import type { EstateAuthorizer, PathStep } from '../model/index.js';
import { witnessPath } from '../findings/index.js';
import { pathTo, shortestPaths, type ReachabilityProfile } from '../profile/index.js';

/** One path per (requester, entry, function performing the access), the first allowed access of each; at most `limit`. */
export function legitimatePaths(
  profile: ReachabilityProfile,
  authorizer: EstateAuthorizer,
  limit: number,
): PathStep[][] {
  const out: PathStep[][] = [];
  const seen = new Set<string>();
  for (const invoke of profile.userInvoke) {
    const reached = shortestPaths(invoke.entry.function, profile.graph);
    for (const holder of reached.keys()) {
      const key = `${invoke.principal}\u0000${invoke.entry.resource}\u0000${invoke.entry.action}\u0000${holder}`;
      if (seen.has(key)) continue;
      for (const edge of profile.reach.get(holder) ?? []) {
        if (edge.to !== undefined) continue; // a hop to another function, not an access of its own
        if (authorizer.decide(invoke.principal, edge.access).decision !== 'allow') continue;
        seen.add(key);
        out.push(
          witnessPath(
            {
              principal: invoke.principal,
              entry: invoke.entry,
              hops: pathTo(holder, reached),
              access: edge.access,
            },
            authorizer,
          ),
        );
        if (out.length >= limit) return out;
        break;
      }
    }
  }
  return out;
}
