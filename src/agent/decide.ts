/**
 * The decision, the agent's hot path: no I/O and almost no allocation. An invocation is blocked when the block
 * table blocks its origin at this function, or when it has no verifiable requester and the policy for unknown
 * requesters says so (by default: at conduits, the entries of some bypass).
 */
import type { BlockedAccess, FunctionBlocks } from '../model/blockTable.js';
import type { BlockReason } from './errors.js';

/**
 * `block-unvouched` (default): refuse where an origin blocked here can arrive with nobody vouching for it (the
 * table's `unvouched`; a table without it falls back to `block-conduits`). `block-conduits`: refuse at the entry of
 * some bypass. `allow`, `block`: always.
 */
export type UnknownRequesterPolicy = 'block-unvouched' | 'block-conduits' | 'allow' | 'block';

export const UNKNOWN_REQUESTER_POLICIES: readonly UnknownRequesterPolicy[] = [
  'block-unvouched',
  'block-conduits',
  'allow',
  'block',
];

/**
 * `entry` is this function's block-table entry (undefined when the table does not list it); `origin` the resolved
 * principal id, undefined when the requester is unknown. Returns why to block, or undefined to allow.
 */
export function decide(
  entry: FunctionBlocks | undefined,
  origin: string | undefined,
  unknownRequester: UnknownRequesterPolicy,
): BlockReason | undefined {
  if (origin === undefined) {
    if (unknownRequester === 'block') return 'unknown-requester';
    if (unknownRequester === 'block-unvouched' && entry?.unvouched !== undefined)
      return entry.unvouched.length > 0 ? 'unvouched-requester' : undefined;
    if (unknownRequester !== 'allow' && entry !== undefined && entry.conduit)
      return 'unknown-requester-at-conduit';
    return undefined;
  }
  return isOriginBlocked(entry, origin) ? 'origin-blocked' : undefined;
}

/** The table blocks `origin` at this function (own keys only: an origin named `constructor` is just a name). */
export function isOriginBlocked(entry: FunctionBlocks | undefined, origin: string): boolean {
  if (entry === undefined || !Object.hasOwn(entry.blocked, origin)) return false;
  const accesses = entry.blocked[origin];
  return accesses !== undefined && accesses.length > 0;
}

/**
 * Call mode: the blocked access that one outgoing call (action, resource) would perform for `origin`, if any.
 * Actions compare case-insensitively; a blocked resource may use `*` and `?` wildcards; a call whose resource
 * could not be derived matches on the action alone (refusing rather than guessing).
 */
export function decideCall(
  entry: FunctionBlocks | undefined,
  origin: string | undefined,
  action: string,
  resource: string | undefined,
): BlockedAccess | undefined {
  if (origin === undefined || entry === undefined || !Object.hasOwn(entry.blocked, origin)) return undefined;
  const accesses = entry.blocked[origin];
  if (accesses === undefined) return undefined;
  for (const access of accesses) {
    if (access.action.length !== action.length || access.action.toLowerCase() !== action.toLowerCase())
      continue;
    if (resource === undefined || resourceMatches(access.resource, resource)) return access;
  }
  return undefined;
}

/** A blocked resource (`*` and `?` wildcards allowed) against a concrete one. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === resource || pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) return false;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(resource);
}
