/**
 * The decision: may this requester's invocation of this function proceed? Pure and synchronous over one loaded
 * profile. The requester is, in order: the origin of a valid signed caller context, a principal the API client
 * names, the identity the platform verified in the event, else unknown. Blocked when the block table lists the
 * origin at the function; an unknown requester is blocked at a conduit (the entry of some bypass), where a
 * missing context is itself the bypass signal.
 */
import type { KeyObject } from 'node:crypto';
import { decodePropagated, verifyCallerContext, type VerifyResult } from '../agent/callerContext.js';
import type { BlockedAccess, FunctionBlocks, PathStep } from '../model/index.js';
import type { UnknownFunctionPolicy } from './config.js';
import { resolveFunction, resolvePrincipal, type LoadedProfile } from './loadedProfile.js';

export interface DecideRequest {
  /** Function name, id, or qualified ARN. */
  function: string;
  /** Principal id, name, ARN, or role-session ARN. */
  principal?: string;
  /** A signed caller context, possibly followed by `~hops`. */
  token?: string;
  /** The platform event the function received. */
  event?: unknown;
}

export type RequesterSource = 'token' | 'principal' | 'event' | 'none';
export type TokenRejection =
  Extract<VerifyResult, { valid: false }>['reason'] | 'no-verification-key' | 'malformed-breadcrumbs';

export interface DecideOutcome {
  decision: 'allow' | 'block';
  reason: string;
  version: string;
  /** The resolved function id, or null when the profile does not know it. */
  function: string | null;
  /** The resolved origin principal id, or null when no requester was found. */
  origin: string | null;
  requester: RequesterSource;
  /** The witness path of the bypass a block stops. */
  path?: PathStep[];
  /** Where the invocation is stopped (the function id). */
  blockPoint?: string;
  /** The findings that prove the bypass. */
  findings?: string[];
  /** Why a token was not accepted; for the log, never returned with the token. */
  tokenRejected?: TokenRejection;
}

export interface DecideOptions {
  /** Keys a caller context may be signed with (the server's own, and any configured). */
  verifyKeys: readonly KeyObject[];
  unknownFunction: UnknownFunctionPolicy;
  /** Seconds since the epoch (tests). */
  now?: number;
}

export const NO_REQUESTER_AT_CONDUIT = 'no verifiable requester at a conduit';
export const NO_REQUESTER_UNVOUCHED = 'no verifiable requester where a blocked origin can arrive unvouched';

/** Verifies against each key; a token that fails under every key reports its most telling failure. */
function verifyToken(
  value: string,
  keys: readonly KeyObject[],
  now: number | undefined,
): { origin: string } | { rejected: TokenRejection } {
  if (keys.length === 0) return { rejected: 'no-verification-key' };
  let token: string;
  try {
    token = decodePropagated(value).token;
  } catch {
    // A breadcrumb that is not percent-encoding (`abc~%`): the context is unusable, so it counts as none.
    return { rejected: 'malformed-breadcrumbs' };
  }
  let rejected: TokenRejection = 'bad-signature';
  for (const key of keys) {
    const result = verifyCallerContext(token, key, now);
    if (result.valid) return { origin: result.context.origin };
    // Anything but a bad signature means the signature held under this key.
    if (result.reason !== 'bad-signature') rejected = result.reason;
  }
  return { rejected };
}

function get(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The identity the platform verified before the event reached the function: API Gateway REST with IAM auth
 * (`requestContext.identity.userArn`), HTTP API or Function URL with IAM auth (`requestContext.authorizer.iam.userArn`).
 */
export function eventIdentity(event: unknown): string | undefined {
  const rest = get(event, 'requestContext', 'identity', 'userArn');
  if (typeof rest === 'string' && rest !== '') return rest;
  const http = get(event, 'requestContext', 'authorizer', 'iam', 'userArn');
  if (typeof http === 'string' && http !== '') return http;
  return undefined;
}

function blockReason(
  profile: LoadedProfile,
  fn: FunctionBlocks,
  origin: string,
  accesses: BlockedAccess[],
): string {
  const findingIds = [...new Set(accesses.map((a) => a.findingId))];
  const first = profile.findingsById.get(findingIds[0] ?? '');
  const originName = first?.principal.id === origin ? first.principal.name : origin;
  const byResource = new Map<string, Set<string>>();
  for (const access of accesses) {
    const actions = byResource.get(access.resource) ?? new Set<string>();
    actions.add(access.action);
    byResource.set(access.resource, actions);
  }
  const resourceName = (id: string): string => profile.resourceNames.get(id) ?? id;
  const denied = [...byResource]
    .map(([resource, actions]) => `${[...actions].sort().join(', ')} on ${resourceName(resource)}`)
    .join('; ');
  return `${originName} is denied ${denied}, which ${fn.name} would do on its behalf (${findingIds.join(', ')})`;
}

export function decide(
  profile: LoadedProfile,
  request: DecideRequest,
  options: DecideOptions,
): DecideOutcome {
  const version = profile.version;
  let origin: string | null = null;
  let requester: RequesterSource = 'none';
  let tokenRejected: TokenRejection | undefined;

  if (request.token !== undefined) {
    const verified = verifyToken(request.token, options.verifyKeys, options.now);
    if ('origin' in verified) {
      origin = verified.origin;
      requester = 'token';
    } else tokenRejected = verified.rejected;
  }
  if (origin === null && request.principal !== undefined && request.principal !== '') {
    origin = resolvePrincipal(profile, request.principal).id;
    requester = 'principal';
  }
  const fnForClaims = resolveFunction(profile, request.function);
  // An identity in the event is the caller's claim wherever someone who matters may invoke directly.
  const claimsCount = fnForClaims?.eventClaims ?? (fnForClaims !== undefined && !fnForClaims.conduit);
  if (origin === null && request.event !== undefined && claimsCount) {
    const identity = eventIdentity(request.event);
    if (identity !== undefined) {
      origin = resolvePrincipal(profile, identity).id;
      requester = 'event';
    }
  }
  const base = { version, origin, requester, ...(tokenRejected ? { tokenRejected } : {}) };

  const fn = resolveFunction(profile, request.function);
  if (!fn) return { ...base, decision: options.unknownFunction, reason: 'unknown function', function: null };

  if (origin === null) {
    const refuse = fn.unvouched !== undefined ? fn.unvouched.length > 0 : fn.conduit;
    return refuse
      ? {
          ...base,
          function: fn.function,
          decision: 'block',
          reason: fn.unvouched !== undefined ? NO_REQUESTER_UNVOUCHED : NO_REQUESTER_AT_CONDUIT,
          blockPoint: fn.function,
        }
      : {
          ...base,
          function: fn.function,
          decision: 'allow',
          reason: `no requester, and no origin blocked at ${fn.name} arrives there unvouched`,
        };
  }
  const accesses = Object.hasOwn(fn.blocked, origin) ? (fn.blocked[origin] ?? []) : [];
  if (accesses.length === 0)
    return {
      ...base,
      function: fn.function,
      decision: 'allow',
      reason: `${origin} is not blocked at ${fn.name}`,
    };

  const findings = [...new Set(accesses.map((a) => a.findingId))];
  const path = profile.findingsById.get(findings[0] ?? '')?.path;
  return {
    ...base,
    function: fn.function,
    decision: 'block',
    reason: blockReason(profile, fn, origin, accesses),
    ...(path ? { path } : {}),
    blockPoint: fn.function,
    findings,
  };
}
