/**
 * `ares/agent`: the library that runs inside each function. `withAres(handler, options)` wraps a handler so that
 * the original requester (a platform-verified identity, or the signed caller context from the previous hop) is
 * checked against the compiled block table before the handler runs, with no network call on the hot path; a
 * blocked invocation throws `ARESBlocked`. `instrument(client)` carries the caller context on through AWS SDK v3
 * calls (and, in call mode, checks each call). Importing this module installs that middleware on the AWS SDK the
 * function loads (`installSdkPropagation`; `ARES_AUTO_INSTRUMENT=0` turns it off).
 */
import { installSdkPropagation } from './autoInstall.js';

export { withAres, type AresHandler } from './withAres.js';
export type { AresOptions, AgentControl } from './agent.js';
export {
  ARESBlocked,
  AgentConfigError,
  type BlockReason,
  type ARESBlockedBody,
  type RefusedAccess,
} from './errors.js';
export { decide, decideCall, isOriginBlocked, type UnknownRequesterPolicy } from './decide.js';
export {
  instrument,
  autoInstrument,
  MAX_CLIENT_CONTEXT,
  MAX_MESSAGE_ATTRIBUTES,
  type InstrumentableClient,
} from './propagation.js';
export { currentInvocation, type InvocationState, type AgentMode } from './state.js';
export { detectPlatform, type Platform } from './platform.js';
export { CONTEXT_HEADER, ENVELOPE_KEY, type Requester, type RequesterSource } from './requester.js';
export type { RefreshOutcome } from './blockTableSource.js';
export type { BlockTableSlice } from './loadedTable.js';
export type { AgentLogger } from './logger.js';
export {
  verifyCallerContext,
  importPublicKey,
  encodePropagated,
  decodePropagated,
  type CallerContext,
  type VerifyResult,
} from './callerContext.js';
export { installSdkPropagation };

// Importing the agent installs the propagation middleware on the AWS SDK the function uses (see autoInstall.ts).
if (process.env.ARES_AUTO_INSTRUMENT !== '0') installSdkPropagation();
