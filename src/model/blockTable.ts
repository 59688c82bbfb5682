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
}
