/** What `ares drill` reports: every finding replayed under every way its requester can arrive, and every legitimate path. */

/**
 * How the requester's identity arrives at the entry of a path:
 * `platform-identity` the platform names the requester (SQS `SenderId`, S3 `principalId`, API Gateway IAM);
 * `signed-context` a caller context minted for the requester, as `ares serve`'s `/v1/invoke` does;
 * `no-context` nothing at all; `tampered-context` the requester's context with its origin rewritten, signature kept;
 * `replayed-context` a context already used once; `lifted-context` another requester's already-used context;
 * `forged-event-identity` the requester invokes the entry directly with another requester's identity written into
 * the event (`requestContext.identity`, `SenderId`, `principalId`).
 */
export type ArrivalMode =
  | 'platform-identity'
  | 'signed-context'
  | 'no-context'
  | 'tampered-context'
  | 'replayed-context'
  | 'lifted-context'
  | 'forged-event-identity';

export interface DrillAttack {
  /** The id of the finding whose witness path was replayed. */
  finding: string;
  mode: ArrivalMode;
  /**
   * The name of the function whose agent refused the request, `platform` when the cloud itself refused it (IAM
   * denies the attacker the entry request), or null when nothing stopped it: the harmful access was performed.
   */
  blockedAt: string | null;
  /** The requester and the harmful access, for a person reading the report. */
  principal: string;
  access: { action: string; resource: string };
}

export interface DrillLegit {
  principal: string;
  /** Names of the nodes: requester, entry, functions, resource. */
  path: string[];
  passed: boolean;
  /** Where it was refused, when it did not pass. */
  blockedAt?: string;
}

export interface DrillReport {
  version: 1;
  attacks: DrillAttack[];
  legit: DrillLegit[];
  summary: {
    attacks: number;
    blocked: number;
    legit: number;
    passed: number;
    /**
     * Legitimate paths not replayed: the requester is blocked, for another access, at a function on the path, and
     * an agent in its default mode refuses an origin before the handler runs (call mode would let this path pass).
     */
    legitBlockedPerOrigin: number;
  };
}
