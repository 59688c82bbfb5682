/**
 * `GET /v1/block-table/{function}`: one function's slice of the block table for its agent, with the principal
 * aliases that lead to the origins it blocks. `ETag` is the profile version; `If-None-Match` gives 304.
 */
import { createHash } from 'node:crypto';
import type { BlockedAccess, FunctionBlocks } from '../../model/index.js';
import { errorResponse, json, type Handler } from '../http.js';
import { functionProblem } from '../inputRules.js';
import { resolveFunction, type LoadedProfile } from '../loadedProfile.js';

export interface BlockTableSlice {
  version: string;
  function: FunctionBlocks;
  /** Only the aliases of origins this function blocks: any other identity is not blocked here. */
  principalIds: Record<string, string>;
  /** The public keys of the functions that may hand this one a hop token (its `upstream`). */
  signers?: Record<string, string>;
}

const UNIQUE_ID = /^A(?:IDA|ROA)[A-Z0-9]{8,}$/;

export function blockTableSlice(profile: LoadedProfile, fn: FunctionBlocks): BlockTableSlice {
  const origins = new Set(Object.keys(fn.blocked));
  // The aliases of origins blocked here, and every alias the platform may name a requester by that does not name
  // itself (unique ids in SQS SenderId / S3 principalId, role-session prefixes): this agent must know whom it
  // vouches for downstream, not only whom it blocks.
  const principalIds = Object.fromEntries(
    Object.entries(profile.snapshot.blockTable.principalIds).filter(
      ([alias, id]) => origins.has(id) || UNIQUE_ID.test(alias) || alias.includes(':assumed-role/'),
    ),
  );
  const all = profile.snapshot.blockTable.signers ?? {};
  const signers = Object.fromEntries(
    Object.keys(fn.upstream ?? {})
      .filter((id) => Object.hasOwn(all, id))
      .map((id) => [id, all[id]!]),
  );
  return {
    version: profile.version,
    function: fn,
    principalIds,
    ...(Object.keys(signers).length > 0 ? { signers } : {}),
  };
}

/** `If-None-Match` holds this entity tag (or `*`); weak tags compare equal. */
export function ifNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/**
 * More blocks for a function beyond the compiled table (origin → accesses), e.g. those the reasoning engine
 * decided; only entries for `profileVersion` are returned.
 */
export type BlockOverlay = (functionId: string, profileVersion: string) => Record<string, BlockedAccess[]>;

/**
 * The function's blocks with the overlay's merged in (an access already blocked for an origin is not repeated);
 * the compiled object itself when the overlay adds nothing.
 */
function withOverlay(fn: FunctionBlocks, extra: Record<string, BlockedAccess[]>): FunctionBlocks {
  const blocked: Record<string, BlockedAccess[]> = { ...fn.blocked };
  let changed = false;
  for (const [origin, accesses] of Object.entries(extra)) {
    const have = Object.hasOwn(blocked, origin) ? (blocked[origin] ?? []) : [];
    const seen = new Set(have.map((a) => `${a.action}\u0000${a.resource}`));
    const added = accesses.filter((a) => !seen.has(`${a.action}\u0000${a.resource}`));
    if (added.length > 0 || !Object.hasOwn(blocked, origin)) {
      blocked[origin] = [...have, ...added];
      changed = true;
    }
  }
  return changed ? { ...fn, blocked } : fn;
}

export function blockTableRoute(overlay?: BlockOverlay): Handler {
  return (request, scope) => {
    const ref = scope.params.function ?? '';
    const problem = functionProblem(ref, 'function (path)');
    if (problem) return errorResponse(400, 'BadRequest', problem);
    const compiled = resolveFunction(scope.profile, ref);
    if (!compiled)
      return errorResponse(
        404,
        'UnknownFunction',
        `no function "${ref}" in profile ${scope.profile.version}`,
      );
    const extra = overlay?.(compiled.function, scope.profile.version) ?? {};
    const fn = withOverlay(compiled, extra);
    // The entity tag changes when the overlay does, so an agent holding the compiled slice refetches.
    const etag =
      fn === compiled
        ? `"${scope.profile.version}"`
        : `"${scope.profile.version}+${createHash('sha256').update(JSON.stringify(fn.blocked)).digest('hex').slice(0, 12)}"`;
    const headers = { etag, 'cache-control': 'no-cache' };
    if (ifNoneMatch(request.headers.get('if-none-match'), etag))
      return new Response(null, { status: 304, headers });
    return json(200, blockTableSlice(scope.profile, fn), headers);
  };
}
