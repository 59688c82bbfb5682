import type { Cloud } from './cloud.js';
import type { Decision } from './decision.js';
import type { FunctionNode } from './function.js';
import type { Principal } from './principal.js';
import type { Access, EntryPoint } from './reachability.js';

/**
 * What the profile needs from a cloud provider: its requesters and entry points, indexes that narrow the exact
 * evaluations to candidates, and the exact decision itself. Candidate lists may over-approximate, never miss:
 * everything the profile reports is confirmed by `decide`.
 */
export interface EstateAuthorizer {
  cloud: Cloud;
  /** Principals that make requests of their own: people, CI, external identities; not function identities. */
  requesters(): Principal[];
  /** Every way a request can start a function: direct invocation and writes to its event sources. */
  entryPoints(): EntryPoint[];
  /** Requesters whose policies could allow `access` (a superset of those that are allowed). */
  candidateRequesters(access: Access): string[];
  /** Accesses to the estate's resources a function's identity could be allowed (a superset). */
  candidateReach(fn: FunctionNode): Access[];
  /**
   * Whether `access` is the platform consuming one of `fn`'s own event sources with `fn`'s identity (a queue's
   * messages, a stream's records): how the trigger works, so not reach. Optional: a cloud without pollers omits it.
   */
  isTriggerPoll?(fn: string, access: Access): boolean;
  /** Whether `principal` could be denied `access` other than implicitly (has a Deny or a guardrail that touches it). */
  mayBeDenied(principal: string, access: Access): boolean;
  /** The exact decision for a principal (requester id, or a function's identity id) on an access. */
  decide(principal: string, access: Access): Decision;
  /** `decide` with request context values given (an entry point's `context`); keys not given stay unknown. */
  decideWithContext?(principal: string, access: Access, context: Record<string, string>): Decision;
  /** The short name a person uses for an id (user, function, table, queue...), and its kind. */
  describe(id: string): { name: string; kind: string };
}
