/**
 * Single use of root tokens across every instance of a function: the agent asks `ares serve`
 * (`POST /v1/nonces`) to claim a token's nonce; the first claim wins, any later one is a replay.
 */
export interface NonceClaimer {
  /** True when this nonce had not been claimed (it is now, until `exp`); false for a replay. Throws when unreachable. */
  claim(nonce: string, exp: number, functionId: string): Promise<boolean>;
}

const TIMEOUT_MS = 2_000;

/** `url`: `ares serve`'s base URL, or the full route. */
export function httpNonceClaimer(
  url: string,
  apiToken: string | undefined,
  fetchImpl: typeof fetch,
): NonceClaimer {
  const route = url.replace(/\/+$/, '').endsWith('/v1/nonces')
    ? url.replace(/\/+$/, '')
    : `${url.replace(/\/+$/, '')}/v1/nonces`;
  return {
    async claim(nonce, exp, functionId) {
      const response = await fetchImpl(route, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(apiToken !== undefined ? { authorization: `Bearer ${apiToken}` } : {}),
        },
        body: JSON.stringify({ nonce, exp, function: functionId }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`nonce service answered HTTP ${response.status}`);
      }
      const body = (await response.json()) as { fresh?: unknown };
      if (typeof body.fresh !== 'boolean') throw new Error('nonce service answered without "fresh"');
      return body.fresh;
    },
  };
}
