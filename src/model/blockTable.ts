import type { DenialClass } from './finding.js';

/** One access a function would perform for an origin that the origin is denied. */
export interface BlockedAccess {
  resource: string;
  action: string;
  denial: DenialClass;
  /** The finding that proves the bypass. */
  findingId: string;
}

/** What one function's agent needs: whom to refuse, and whether the function is the entry of some bypass. */
export interface FunctionBlocks {
  /** Function id (ARN on AWS). */
  function: string;
  name: string;
  /** The function is the entry of some bypass: an invocation with no verifiable requester is suspect here. */
  conduit: boolean;
  /**
   * Origin principal id → the denied accesses this function would perform (directly, not through another function)
   * on that origin's behalf. Blocking here stops the bypass at the hop that would do the harm.
   */
  blocked: Record<string, BlockedAccess[]>;
  /**
   * The origins blocked here that can arrive with no agent vouching for them (direct invokers, writers of an event
   * source that carries no identity the platform verifies, origins passing an uninstrumented function). An
   * invocation with no verifiable origin is refused here when this list is not empty (`block-unvouched`).
   * Absent in tables compiled before it existed: the agent then falls back to `conduit`.
   */
  unvouched?: string[];
  /**
   * Whether an identity read from the event (`requestContext.identity`, SQS `SenderId`, S3 `principalId`) counts:
   * true when no origin blocked here or downstream may invoke this function directly, so a forged claim gains
   * nothing. Absent: trusted only where the function is not a conduit.
   */
  eventClaims?: boolean;
  /**
   * Function id → the resources through which that function starts this one (this function's ARN for an invoke,
   * else the event source). A hop token is accepted only from an issuer listed here, for one of its resources.
   */
  upstream?: Record<string, string[]>;
}

/**
 * The compiled block table: the run-time form of the profile's bypass findings, small enough for an agent to hold
 * in memory and consult with no network call.
 */
export interface BlockTable {
  /** The profile version it was compiled from (a content hash). */
  version: string;
  createdAt: string;
  /** By function id. */
  functions: Record<string, FunctionBlocks>;
  /** Function names (and ARNs with qualifiers stripped) → function id. */
  functionIds: Record<string, string>;
  /**
   * Every name a requester can appear under at run time → principal id: its ARN, user or role name, unique id
   * (AIDA…/AROA…) when known, and for roles the `arn:aws:sts::ACCT:assumed-role/NAME` session prefix.
   */
  principalIds: Record<string, string>;
  /**
   * Function id → the Ed25519 public key (SPKI DER, base64) its agent signs hop tokens with (`ares keys
   * --functions`). A function without a key here cannot vouch for anyone.
   */
  signers?: Record<string, string>;
}
