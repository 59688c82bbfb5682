/**
 * The signed caller context: who originally asked, and which functions the request has passed through, carried
 * from hop to hop. A compact token, `<payload>.<signature>` in base64url: the payload is JSON, the signature
 * Ed25519 over the payload bytes (node:crypto). Agents hold only the public key; a token that is tampered with,
 * expired, not yet valid, or signed by another key is no context at all.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

export interface CallerContext {
  /** Origin principal id: the requester the whole chain acts for. */
  origin: string;
  /** Function ids the request has passed through so far, in order. */
  chain: string[];
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
  /** Random nonce (base64url), so a token can be recognised if replayed. */
  nonce: string;
  /** The profile version the issuer decided with. */
  version: string;
}

interface WirePayload {
  o: string;
  c: string[];
  iat: number;
  exp: number;
  n: string;
  v: string;
}

export type VerifyResult =
  | { valid: true; context: CallerContext }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid' };

/** Lambda's ClientContext limit (base64 of the whole JSON) leaves room for a token of this size at most. */
export const MAX_TOKEN_BYTES = 3000;

/** Clock skew tolerated between issuer and verifier. */
const SKEW_SECONDS = 30;

export function generateKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function importPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function importPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

export interface SignOptions {
  /** Lifetime in seconds (default 300). */
  ttlSeconds?: number;
  /** Now, in seconds (for tests). */
  now?: number;
}

/** Mints a token for an origin and chain. */
export function signCallerContext(
  fields: { origin: string; chain: string[]; version: string },
  privateKey: KeyObject,
  options: SignOptions = {},
): string {
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const payload: WirePayload = {
    o: fields.origin,
    c: fields.chain,
    iat,
    exp: iat + (options.ttlSeconds ?? 300),
    n: randomBytes(12).toString('base64url'),
    v: fields.version,
  };
  const body = Buffer.from(JSON.stringify(payload));
  const signature = sign(null, body, privateKey);
  const token = `${body.toString('base64url')}.${signature.toString('base64url')}`;
  if (token.length > MAX_TOKEN_BYTES)
    throw new RangeError(`caller context of ${token.length} bytes exceeds ${MAX_TOKEN_BYTES}`);
  return token;
}

/**
 * The value that travels between hops: the signed token, then the hops agents appended (`<token>~<hop>,<hop>`).
 * Agents hold no private key, so appended hops are unsigned breadcrumbs; what blocking relies on (the origin, the
 * issue and expiry times, the nonce) is inside the signature.
 */
export function encodePropagated(token: string, hops: readonly string[]): string {
  return hops.length === 0 ? token : `${token}~${hops.map(encodeURIComponent).join(',')}`;
}

export function decodePropagated(value: string): { token: string; hops: string[] } {
  const tilde = value.indexOf('~');
  if (tilde < 0) return { token: value, hops: [] };
  const hops = value
    .slice(tilde + 1)
    .split(',')
    .filter(Boolean)
    .map(decodeURIComponent);
  return { token: value.slice(0, tilde), hops };
}

function isWirePayload(value: unknown): value is WirePayload {
  const v = value as Partial<WirePayload> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.o === 'string' &&
    Array.isArray(v.c) &&
    v.c.every((x) => typeof x === 'string') &&
    typeof v.iat === 'number' &&
    typeof v.exp === 'number' &&
    typeof v.n === 'string' &&
    typeof v.v === 'string'
  );
}

/** Verifies a token; never throws. */
export function verifyCallerContext(
  token: unknown,
  publicKey: KeyObject,
  now = Math.floor(Date.now() / 1000),
): VerifyResult {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES)
    return { valid: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { valid: false, reason: 'malformed' };
  const body = Buffer.from(token.slice(0, dot), 'base64url');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  let ok: boolean;
  try {
    ok = verify(null, body, publicKey, signature);
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!ok) return { valid: false, reason: 'bad-signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!isWirePayload(payload)) return { valid: false, reason: 'malformed' };
  if (payload.exp + SKEW_SECONDS < now) return { valid: false, reason: 'expired' };
  if (payload.iat - SKEW_SECONDS > now) return { valid: false, reason: 'not-yet-valid' };
  return {
    valid: true,
    context: {
      origin: payload.o,
      chain: payload.c,
      iat: payload.iat,
      exp: payload.exp,
      nonce: payload.n,
      version: payload.v,
    },
  };
}
