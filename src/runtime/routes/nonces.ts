/**
 * `POST /v1/nonces`: `{nonce, exp, function}` → `{fresh: true}` the first time a root token's nonce is presented
 * at its entry function, `{fresh: false}` after (a replay). Agents ask before they trust a root token, so a token
 * is single-use across every instance; `503 NonceStoreUnavailable` when a shared store cannot be reached. Bounded input: a nonce is at most 64 characters.
 */
import { errorResponse, json, readJsonObject, type Handler } from '../http.js';
import type { NonceStore } from '../nonceStore.js';

const NONCE = /^[A-Za-z0-9_-]{8,64}$/;
/** Longer than any token lives (300 s, plus skew): a claimed expiry beyond it is cut to it. */
const MAX_TTL_SECONDS = 3600;

export function noncesRoute(store: NonceStore, now: () => number = () => Date.now()): Handler {
  return async (request) => {
    const body = await readJsonObject(request);
    if (typeof body === 'string') return errorResponse(400, 'BadRequest', body);
    const { nonce, exp, function: fn } = body;
    if (typeof nonce !== 'string' || !NONCE.test(nonce))
      return errorResponse(400, 'BadRequest', '"nonce" must be 8 to 64 base64url characters');
    if (typeof exp !== 'number' || !Number.isFinite(exp))
      return errorResponse(400, 'BadRequest', '"exp" must be seconds since the epoch');
    if (typeof fn !== 'string' || fn === '' || fn.length > 512)
      return errorResponse(400, 'BadRequest', '"function" must be a function id');
    const nowSeconds = Math.floor(now() / 1000);
    if (exp < nowSeconds) return json(200, { fresh: false });
    let fresh: boolean;
    try {
      fresh = await store.claim(nonce, Math.min(exp, nowSeconds + MAX_TTL_SECONDS), fn, nowSeconds);
    } catch {
      // A shared store that cannot be reached: no answer is given, so the agent treats the service as
      // unreachable and its nonceFailClosed setting applies.
      return errorResponse(503, 'NonceStoreUnavailable', 'the nonce store cannot be reached');
    }
    return json(200, { fresh });
  };
}
