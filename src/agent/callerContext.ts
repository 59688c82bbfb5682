/**
 * The signed caller context: who originally asked, and which functions the request has passed through, carried
 * from hop to hop. A compact token, `<payload>.<signature>` in base64url: the payload is JSON, the signature
 * Ed25519 over the payload bytes (node:crypto). Agents hold only the public key; a token that is tampered with,
 * expired, not yet valid, or signed by another key is no context at all.
 */
import {
  createHash,
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
  /**
   * Hop tokens only: the function whose agent signed it (with its own key). Absent for a root token, which
   * `ares serve` signs and which is valid only at `chain[0]`.
   */
  issuer?: string;
  /** Hop tokens only: the resource it was minted for (the function invoked, or the queue/topic/bus written). */
  audience?: string;
  /** Hop tokens only: digest of the token the issuer was started with ('' when the platform identified it). */
  parent?: string;
}

interface WirePayload {
  o: string;
  c: string[];
  iat: number;
  exp: number;
  n: string;
  v: string;
  i?: string;
  a?: string;
  p?: string;
}

export type VerifyResult =
  | { valid: true; context: CallerContext }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid' };

/** A token parsed but not yet checked: what it claims, and what its signature covers. */
export interface UnverifiedToken {
  context: CallerContext;
  body: Buffer;
  signature: Buffer;
}

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

/** A public key as the block table's `signers` carry it: SPKI DER in base64. */
export function signerKey(publicKeyPem: string): string {
  return createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
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

/** Signs a payload with a fresh issue time, expiry and nonce: `<payload>.<signature>`, both base64url. */
function signPayload(
  kind: string,
  fields: Omit<WirePayload, 'iat' | 'exp' | 'n'>,
  privateKey: KeyObject,
  ttlSeconds: number,
  now: number | undefined,
): string {
  const iat = now ?? Math.floor(Date.now() / 1000);
  const payload: WirePayload = {
    ...fields,
    iat,
    exp: iat + ttlSeconds,
    n: randomBytes(12).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(payload));
  const token = `${body.toString('base64url')}.${sign(null, body, privateKey).toString('base64url')}`;
  if (token.length > MAX_TOKEN_BYTES)
    throw new RangeError(`${kind} of ${token.length} bytes exceeds ${MAX_TOKEN_BYTES}`);
  return token;
}

/** Mints a token for an origin and chain. */
export function signCallerContext(
  fields: { origin: string; chain: string[]; version: string },
  privateKey: KeyObject,
  options: SignOptions = {},
): string {
  return signPayload(
    'caller context',
    { o: fields.origin, c: fields.chain, v: fields.version },
    privateKey,
    options.ttlSeconds ?? 300,
    options.now,
  );
}

/** Lifetime of a hop token: one hop (a queue's delivery delay and retries included), not a session. */
export const HOP_TTL_SECONDS = 900;

/**
 * Mints a hop token: the agent of `issuer` attests that it acts for `origin` (after `chain`), for the one hop to
 * `audience`, started by the token whose digest is `parent`. Signed with the issuer function's own key.
 */
export function signHopToken(
  fields: {
    origin: string;
    chain: string[];
    version: string;
    issuer: string;
    audience: string;
    parent: string;
  },
  privateKey: KeyObject,
  options: SignOptions = {},
): string {
  return signPayload(
    'hop token',
    {
      o: fields.origin,
      c: fields.chain,
      v: fields.version,
      i: fields.issuer,
      a: fields.audience,
      p: fields.parent,
    },
    privateKey,
    options.ttlSeconds ?? HOP_TTL_SECONDS,
    options.now,
  );
}

/** What a hop token names as its parent: a digest, so the parent token itself never travels further. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}

/**
 * Parses a token without checking it (to learn its issuer, and so which key to check it with, and to decide
 * whether its truth matters at all). Undefined when it is not a token.
 */
export function readToken(token: unknown): UnverifiedToken | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const body = Buffer.from(token.slice(0, dot), 'base64url');
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isWirePayload(payload)) return undefined;
  return { context: contextOf(payload), body, signature: Buffer.from(token.slice(dot + 1), 'base64url') };
}

/** Checks a parsed token's signature under `publicKey` and its times; never throws. */
export function checkToken(token: UnverifiedToken, publicKey: KeyObject, now: number): VerifyResult {
  let ok: boolean;
  try {
    ok = verify(null, token.body, publicKey, token.signature);
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!ok) return { valid: false, reason: 'bad-signature' };
  if (token.context.exp + SKEW_SECONDS < now) return { valid: false, reason: 'expired' };
  if (token.context.iat - SKEW_SECONDS > now) return { valid: false, reason: 'not-yet-valid' };
  return { valid: true, context: token.context };
}

function contextOf(payload: WirePayload): CallerContext {
  const context: CallerContext = {
    origin: payload.o,
    chain: payload.c,
    iat: payload.iat,
    exp: payload.exp,
    nonce: payload.n,
    version: payload.v,
  };
  if (payload.i !== undefined) context.issuer = payload.i;
  if (payload.a !== undefined) context.audience = payload.a;
  if (payload.p !== undefined) context.parent = payload.p;
  return context;
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
    typeof v.v === 'string' &&
    (v.i === undefined || typeof v.i === 'string') &&
    (v.a === undefined || typeof v.a === 'string') &&
    (v.p === undefined || typeof v.p === 'string')
  );
}

/** Verifies a token; never throws. */
export function verifyCallerContext(
  token: unknown,
  publicKey: KeyObject,
  now = Math.floor(Date.now() / 1000),
): VerifyResult {
  const parsed = readToken(token);
  if (parsed === undefined) return { valid: false, reason: 'malformed' };
  return checkToken(parsed, publicKey, now);
}
