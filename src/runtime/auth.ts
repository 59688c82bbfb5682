/**
 * Bearer-token authentication of API clients. Tokens are compared as SHA-256 digests with `timingSafeEqual`,
 * against every configured token without stopping at a match, so the time taken says nothing about which
 * token, or how much of one, was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** An authenticated API client; `principal` when its token is mapped to one in the config. */
export interface ApiCaller {
  principal?: string;
}

export type Authenticate = (authorization: string | null) => ApiCaller | undefined;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function createBearerAuth(
  tokens: readonly string[],
  principals: ReadonlyMap<string, string>,
): Authenticate {
  const entries = tokens.map((token) => ({ digest: digest(token), principal: principals.get(token) }));
  return (authorization) => {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: (typeof entries)[number] | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry;
    }
    if (!found) return undefined;
    return found.principal === undefined ? {} : { principal: found.principal };
  };
}
