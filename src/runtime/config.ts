/**
 * The configuration of `ares serve`: API tokens, the principals some tokens stand for, the identity header a
 * trusted front end sets, where non-Lambda functions live, and the policy for functions outside the profile.
 * Read from a JSON file and the `ARES_API_TOKEN` environment variable, validated strictly: a typo in a security
 * setting must stop the server, not be ignored.
 */
import { readFileSync } from 'node:fs';
import { ServeConfigError } from './serverErrors.js';

export type UnknownFunctionPolicy = 'allow' | 'block';

export interface HttpFunctionTarget {
  url: string;
}

/** Body limits per route family, in bytes. */
export interface BodyLimits {
  decide: number;
  invoke: number;
  mcp: number;
  a2a: number;
  /** Any other path (GET routes, unknown paths). */
  other: number;
}

/** How much of the machine one client may hold: connections, time to send a request, idle time, body sizes. */
export interface ServerLimits {
  /** Open connections at once; one more is answered 503 and closed. */
  maxConnections: number;
  /** Time to receive the request headers (Node's `server.headersTimeout`); 408 after it. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (`server.requestTimeout`): slow bodies end here. */
  requestTimeoutMs: number;
  /** Idle time of a kept-alive connection between requests (`server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  maxBodyBytes: BodyLimits;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxBodyBytes: {
    decide: 1024 * 1024,
    // Lambda's synchronous payload limit, plus room for the envelope.
    invoke: 6 * 1024 * 1024 + 64 * 1024,
    mcp: 1024 * 1024,
    a2a: 1024 * 1024,
    other: 64 * 1024,
  },
};

export interface ServeConfig {
  /** Every accepted bearer token: `ARES_API_TOKEN`, `apiTokens`, and the keys of `principals`. */
  apiTokens: string[];
  /** Bearer token → the principal its holder is (used by the invocation proxy). */
  principals: Map<string, string>;
  /** Lower-cased name of the header an authenticating front end sets to the requester's identity. */
  trustedIdentityHeader?: string;
  /** Function name (or id) → where to POST invocations of a function that is not reached through Lambda. */
  functions: Record<string, HttpFunctionTarget>;
  unknownFunction: UnknownFunctionPolicy;
  limits: ServerLimits;
  /** Entries of the reasoning engine's decision cache (A2A), least recently used dropped first. */
  reasoningCacheSize: number;
  /** `postgres://...`: nonces and the audit log shared by replicas (`--store` overrides it). Holds a password. */
  store?: string;
}

export const DEFAULT_REASONING_CACHE_SIZE = 10_000;

/** The config file as written; every field optional. */
export interface ConfigFile {
  apiTokens?: string[];
  principals?: Record<string, string>;
  trustedIdentityHeader?: string;
  functions?: Record<string, HttpFunctionTarget>;
  unknownFunction?: UnknownFunctionPolicy;
  limits?: Partial<Omit<ServerLimits, 'maxBodyBytes'>> & { maxBodyBytes?: Partial<BodyLimits> };
  reasoningCacheSize?: number;
  store?: string;
}

const KNOWN_KEYS = new Set([
  'apiTokens',
  'principals',
  'trustedIdentityHeader',
  'functions',
  'unknownFunction',
  'limits',
  'reasoningCacheSize',
  'store',
]);
const LIMIT_KEYS = ['maxConnections', 'headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs'] as const;
const BODY_KEYS = ['decide', 'invoke', 'mcp', 'a2a', 'other'] as const;

function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function parseLimits(value: unknown, source: string): NonNullable<ConfigFile['limits']> {
  if (!isRecord(value)) throw new ServeConfigError(source, 'limits must be an object');
  const limits: NonNullable<ConfigFile['limits']> = {};
  for (const key of Object.keys(value)) {
    if (key === 'maxBodyBytes') continue;
    if (!(LIMIT_KEYS as readonly string[]).includes(key))
      throw new ServeConfigError(source, `unknown setting "limits.${key}"`);
    const limit = value[key];
    if (!positiveInteger(limit))
      throw new ServeConfigError(source, `limits.${key} must be a positive integer`);
    limits[key as (typeof LIMIT_KEYS)[number]] = limit;
  }
  if (value.maxBodyBytes !== undefined) {
    if (!isRecord(value.maxBodyBytes))
      throw new ServeConfigError(source, 'limits.maxBodyBytes must be an object');
    const body: Partial<BodyLimits> = {};
    for (const [key, limit] of Object.entries(value.maxBodyBytes)) {
      if (!(BODY_KEYS as readonly string[]).includes(key))
        throw new ServeConfigError(source, `unknown setting "limits.maxBodyBytes.${key}"`);
      if (!positiveInteger(limit))
        throw new ServeConfigError(source, `limits.maxBodyBytes.${key} must be a positive integer`);
      body[key as (typeof BODY_KEYS)[number]] = limit;
    }
    limits.maxBodyBytes = body;
  }
  return limits;
}

/** The defaults with the file's limits over them; Node refuses a header timeout longer than the request timeout. */
export function resolveLimits(file: ConfigFile['limits']): ServerLimits {
  const limits: ServerLimits = {
    ...DEFAULT_LIMITS,
    ...file,
    maxBodyBytes: { ...DEFAULT_LIMITS.maxBodyBytes, ...file?.maxBodyBytes },
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new ServeConfigError(
      'configuration',
      'limits.headersTimeoutMs must not exceed limits.requestTimeoutMs',
    );
  return limits;
}
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a parsed config file; messages name the field, never a token. */
export function parseConfigFile(value: unknown, source: string): ConfigFile {
  if (!isRecord(value)) throw new ServeConfigError(source, 'must hold a JSON object');
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) throw new ServeConfigError(source, `unknown setting "${key}"`);
  }
  const config: ConfigFile = {};
  if (value.apiTokens !== undefined) {
    if (!Array.isArray(value.apiTokens) || !value.apiTokens.every((t) => typeof t === 'string' && t !== ''))
      throw new ServeConfigError(source, 'apiTokens must be an array of non-empty strings');
    config.apiTokens = value.apiTokens as string[];
  }
  if (value.principals !== undefined) {
    if (!isRecord(value.principals))
      throw new ServeConfigError(source, 'principals must map bearer tokens to principal ids');
    const principals: Record<string, string> = {};
    let index = 0;
    for (const [token, principal] of Object.entries(value.principals)) {
      index += 1;
      // Name the entry by position: the key is a secret.
      if (token === '' || typeof principal !== 'string' || principal === '')
        throw new ServeConfigError(source, `principals entry ${index} must map a token to a principal id`);
      principals[token] = principal;
    }
    config.principals = principals;
  }
  if (value.trustedIdentityHeader !== undefined) {
    if (typeof value.trustedIdentityHeader !== 'string' || !HEADER_NAME.test(value.trustedIdentityHeader))
      throw new ServeConfigError(source, 'trustedIdentityHeader must be a header name');
    config.trustedIdentityHeader = value.trustedIdentityHeader;
  }
  if (value.functions !== undefined) {
    if (!isRecord(value.functions))
      throw new ServeConfigError(source, 'functions must map function names to {"url": ...}');
    const functions: Record<string, HttpFunctionTarget> = {};
    for (const [name, target] of Object.entries(value.functions)) {
      const url = isRecord(target) ? target.url : undefined;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url) || !URL.canParse(url))
        throw new ServeConfigError(source, `functions.${name}.url must be an http(s) URL`);
      functions[name] = { url };
    }
    config.functions = functions;
  }
  if (value.unknownFunction !== undefined) {
    if (value.unknownFunction !== 'allow' && value.unknownFunction !== 'block')
      throw new ServeConfigError(source, 'unknownFunction must be "allow" or "block"');
    config.unknownFunction = value.unknownFunction;
  }
  if (value.limits !== undefined) config.limits = parseLimits(value.limits, source);
  if (value.reasoningCacheSize !== undefined) {
    if (!positiveInteger(value.reasoningCacheSize))
      throw new ServeConfigError(source, 'reasoningCacheSize must be a positive integer');
    config.reasoningCacheSize = value.reasoningCacheSize;
  }
  if (value.store !== undefined) {
    // Never quoted back: the URL holds the database password.
    if (typeof value.store !== 'string' || !/^postgres(ql)?:\/\//i.test(value.store))
      throw new ServeConfigError(source, 'store must be a postgres:// URL');
    config.store = value.store;
  }
  return config;
}

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ServeConfigError(
      file,
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the text, and the text holds tokens.
    throw new ServeConfigError(file, 'malformed JSON');
  }
  return parseConfigFile(parsed, file);
}

/** Splits `ARES_API_TOKEN` (comma-separated). */
export function tokensFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * Merges the file and the environment into the server's configuration. With no token at all the server must not
 * start: an open decision service would hand out signed caller contexts to anyone.
 */
export function resolveServeConfig(file: ConfigFile, envTokens: string[]): ServeConfig {
  const principals = new Map(Object.entries(file.principals ?? {}));
  const apiTokens = [...new Set([...envTokens, ...(file.apiTokens ?? []), ...principals.keys()])];
  if (apiTokens.length === 0)
    throw new ServeConfigError(
      'configuration',
      'no API token: set ARES_API_TOKEN or apiTokens in the --config file',
    );
  const config: ServeConfig = {
    apiTokens,
    principals,
    functions: file.functions ?? {},
    unknownFunction: file.unknownFunction ?? 'block',
    limits: resolveLimits(file.limits),
    reasoningCacheSize: file.reasoningCacheSize ?? DEFAULT_REASONING_CACHE_SIZE,
  };
  if (file.trustedIdentityHeader) config.trustedIdentityHeader = file.trustedIdentityHeader.toLowerCase();
  if (file.store !== undefined) config.store = file.store;
  return config;
}
