/**
 * `GET /v1/block-table/{function}`: one function's slice of the block table for its agent, with the principal
 * aliases that lead to the origins it blocks. `ETag` is the profile version; `If-None-Match` gives 304.
 */
import type { FunctionBlocks } from '../../model/index.js';
import { errorResponse, json, type Handler } from '../http.js';
import { resolveFunction, type LoadedProfile } from '../loadedProfile.js';

export interface BlockTableSlice {
  version: string;
  function: FunctionBlocks;
  /** Only the aliases of origins this function blocks: any other identity is not blocked here. */
  principalIds: Record<string, string>;
}

export function blockTableSlice(profile: LoadedProfile, fn: FunctionBlocks): BlockTableSlice {
  const origins = new Set(Object.keys(fn.blocked));
  const principalIds = Object.fromEntries(
    Object.entries(profile.snapshot.blockTable.principalIds).filter(([, id]) => origins.has(id)),
  );
  return { version: profile.version, function: fn, principalIds };
}

/** `If-None-Match` holds this entity tag (or `*`); weak tags compare equal. */
export function ifNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

export function blockTableRoute(): Handler {
  return (request, scope) => {
    const ref = scope.params.function ?? '';
    const fn = resolveFunction(scope.profile, ref);
    if (!fn)
      return errorResponse(
        404,
        'UnknownFunction',
        `no function "${ref}" in profile ${scope.profile.version}`,
      );
    const etag = `"${scope.profile.version}"`;
    const headers = { etag, 'cache-control': 'no-cache' };
    if (ifNoneMatch(request.headers.get('if-none-match'), etag))
      return new Response(null, { status: 304, headers });
    return json(200, blockTableSlice(scope.profile, fn), headers);
  };
}
