/**
 * The server's small web core: handlers are plain functions from a web-standard `Request` (plus the request's
 * scope) to a `Response`; routes are a list matched in order; authentication is a wrapper applied explicitly.
 */
import type { ApiCaller } from './auth.js';
import type { LoadedProfile } from './loadedProfile.js';

/** What a handler knows besides the request: its path parameters, the API client, and the profile it decides with. */
export interface RequestScope {
  params: Record<string, string>;
  /** Set for routes that require authentication. */
  caller: ApiCaller | undefined;
  /** Read once when the request starts: a reload mid-request does not change it. */
  profile: LoadedProfile;
}

export type Handler = (request: Request, scope: RequestScope) => Response | Promise<Response>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Literal segments and `{name}` parameters, e.g. `/v1/block-table/{function}`. */
  pattern: string;
  handler: Handler;
}

export function route(method: Route['method'], pattern: string, handler: Handler): Route {
  return { method, pattern, handler };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function errorResponse(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return json(status, { error, message, ...extra });
}

/** Matches a path against a pattern; undefined when it does not match. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? '';
    const h = have[i] ?? '';
    if (w.startsWith('{') && w.endsWith('}')) {
      if (h === '') return undefined;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(h);
      } catch {
        return undefined;
      }
    } else if (w !== h) return undefined;
  }
  return params;
}

/** Reads a JSON object body; a string describing the problem otherwise. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown> | string> {
  return parseJsonObject(await request.text());
}

/** Parses a JSON object; a string describing the problem otherwise. */
export function parseJsonObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the body must be JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the body must be a JSON object';
  return value as Record<string, unknown>;
}
