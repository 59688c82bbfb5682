/**
 * The agent's errors: `ARESBlocked` for an invocation (or, in call mode, one SDK call) refused because it would carry
 * out a privilege bypass, and `AgentConfigError` for options that cannot work.
 */

/** Why an invocation or call was refused. */
export type BlockReason =
  /** The block table blocks the invocation's origin at this function. */
  | 'origin-blocked'
  /** Call mode: the origin is denied this (action, resource), which this function would perform for it. */
  | 'access-blocked'
  /** No verifiable requester, and `unknownRequester: 'block'`. */
  | 'unknown-requester'
  /** No verifiable requester, and an origin blocked here can arrive unvouched (`block-unvouched`). */
  | 'unvouched-requester'
  /** The identity could not be checked (the nonce service is unreachable, and the agent fails closed). */
  | 'unverifiable'
  /** No verifiable requester at a conduit (the entry of some bypass), under `unknownRequester: 'block-conduits'`. */
  | 'unknown-requester-at-conduit'
  /** `failClosed` and no block table could be loaded. */
  | 'no-block-table'
  /** `failClosed` and the agent itself failed while deciding. */
  | 'agent-error';

/** The access a call-mode block refused. */
export interface RefusedAccess {
  action: string;
  resource: string;
}

/** The body an HTTP function answers with (403), and what `toJSON` gives. */
export interface ARESBlockedBody {
  errorType: 'ARESBlocked';
  code: 'ARES_BLOCKED';
  errorMessage: string;
  origin: string | null;
  function: string | null;
  reason: BlockReason;
  detail?: string;
  access?: RefusedAccess;
}

/** Thrown before the handler runs (or, in call mode, instead of one SDK call): the request would be a bypass. */
export class ARESBlocked extends Error {
  override readonly name = 'ARESBlocked';
  readonly code = 'ARES_BLOCKED';
  /** The origin principal id; undefined when the requester is unknown. */
  readonly origin: string | undefined;
  /** The function id where the block happened. */
  readonly function: string | undefined;
  readonly reason: BlockReason;
  /** More on the reason, e.g. why a caller context counted for nothing (`caller context expired`). */
  readonly detail: string | undefined;
  /** Call mode: the refused (action, resource). */
  readonly access: RefusedAccess | undefined;

  constructor(
    origin: string | undefined,
    fn: string | undefined,
    reason: BlockReason,
    detail?: string,
    access?: RefusedAccess,
  ) {
    const who = origin ?? 'an unknown requester';
    const where = fn ?? 'this function';
    const what = access ? ` (${access.action} on ${access.resource})` : '';
    super(`ares blocked ${who} at ${where}: ${reason}${what}${detail ? ` (${detail})` : ''}`);
    this.origin = origin;
    this.function = fn;
    this.reason = reason;
    this.detail = detail;
    this.access = access;
  }

  toJSON(): ARESBlockedBody {
    const body: ARESBlockedBody = {
      errorType: this.name,
      code: this.code,
      errorMessage: this.message,
      origin: this.origin ?? null,
      function: this.function ?? null,
      reason: this.reason,
    };
    if (this.detail !== undefined) body.detail = this.detail;
    if (this.access !== undefined) body.access = this.access;
    return body;
  }
}

/** An option that cannot work (an unknown platform, mode or policy name). Thrown by `withAres` at wrap time. */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
}
