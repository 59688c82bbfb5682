/**
 * A request prepared for evaluation: the principal parsed, the action interned, the resource split, and the
 * context keys normalised (lower-case names, string values) with the keys AWS always derives from the caller.
 */
import type { AuthorizeOptions, AwsRequest, ContextValue } from '../types.js';
import { arnAccount, splitArn, type ArnValue } from './arn.js';

export type RequestPrincipalKind =
  'user' | 'role' | 'session' | 'federated' | 'root' | 'service' | 'anonymous' | 'other';

export interface RequestPrincipal {
  text: string;
  kind: RequestPrincipalKind;
  partition: string;
  account?: string;
  /** User name, role name (for roles and their sessions), federated user name. */
  name?: string;
  /** For a role or a role session: the role's ARN (a session ARN does not carry the role's path). */
  roleArn?: string;
  /** Service-linked roles are outside SCPs and RCPs. */
  serviceLinked: boolean;
}

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/i;

const principalCache = new Map<string, RequestPrincipal>();

/** Parses a caller (cached: an estate asks about the same few thousand principals again and again). */
export function parseRequestPrincipal(text: string): RequestPrincipal {
  let parsed = principalCache.get(text);
  if (!parsed) {
    parsed = parsePrincipalText(text);
    if (principalCache.size > 100_000) principalCache.clear();
    principalCache.set(text, parsed);
  }
  return parsed;
}

function parsePrincipalText(text: string): RequestPrincipal {
  const base = { text, partition: 'aws', serviceLinked: false };
  if (/^\d{12}$/.test(text)) return { ...base, kind: 'root', account: text };
  if (SERVICE_PRINCIPAL.test(text)) return { ...base, kind: 'service' };
  if (text === '*' || text.toLowerCase() === 'anonymous') return { ...base, kind: 'anonymous' };
  const parts = splitArn(text);
  if (!parts) return { ...base, kind: 'other' };
  const [, partition, service, , account, resource] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const withArn = { ...base, partition, ...(account ? { account } : {}) };
  const last = (s: string): string => s.slice(s.lastIndexOf('/') + 1);
  if (service === 'iam') {
    if (resource === 'root') return { ...withArn, kind: 'root' };
    if (resource.startsWith('user/')) return { ...withArn, kind: 'user', name: last(resource) };
    if (resource.startsWith('role/')) {
      return {
        ...withArn,
        kind: 'role',
        name: last(resource),
        roleArn: text,
        serviceLinked: resource.startsWith('role/aws-service-role/'),
      };
    }
  }
  if (service === 'sts') {
    const assumed = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
    if (assumed) {
      const roleName = assumed[1] as string;
      return {
        ...withArn,
        kind: 'session',
        name: roleName,
        roleArn: `arn:${partition}:iam::${account}:role/${roleName}`,
        serviceLinked: roleName.startsWith('AWSServiceRoleFor'),
      };
    }
    if (resource.startsWith('federated-user/'))
      return { ...withArn, kind: 'federated', name: last(resource) };
  }
  return { ...withArn, kind: 'other' };
}

/** The keys AWS sets on every request from the caller's identity, as ares derives them. */
export function derivedContextKeys(request: AwsRequest): Record<string, string> {
  const principal = parseRequestPrincipal(request.principal);
  return derivedKeys(request.principal, principal, resolveResourceAccount(request, principal), false);
}

/**
 * `openWorld`: a role session's ARN does not carry the role's path, so its aws:PrincipalArn is unknown unless the
 * request gives it; a closed-world request (keys not given take their defaults) assumes a role without a path.
 */
function derivedKeys(
  text: string,
  principal: RequestPrincipal,
  resourceAccount: string | undefined,
  openWorld: boolean,
): Record<string, string> {
  const keys: Record<string, string> = {};
  const principalArn =
    principal.kind === 'session'
      ? openWorld
        ? undefined
        : principal.roleArn
      : principal.kind === 'root' && !text.startsWith('arn:')
        ? `arn:aws:iam::${principal.account}:root`
        : principal.kind === 'service' || principal.kind === 'anonymous' || principal.kind === 'other'
          ? undefined
          : text;
  if (principalArn) keys['aws:PrincipalArn'] = principalArn;
  if (principal.account) keys['aws:PrincipalAccount'] = principal.account;
  if (principal.kind === 'user' && principal.name) keys['aws:username'] = principal.name;
  const type: Partial<Record<RequestPrincipalKind, string>> = {
    user: 'User',
    session: 'AssumedRole',
    federated: 'FederatedUser',
    root: 'Account',
    anonymous: 'Anonymous',
  };
  const principalType = type[principal.kind];
  if (principalType) keys['aws:PrincipalType'] = principalType;
  if (principal.kind === 'service') {
    keys['aws:PrincipalIsAWSService'] = 'true';
    keys['aws:PrincipalServiceName'] = text;
  } else {
    keys['aws:PrincipalIsAWSService'] = 'false';
  }
  if (resourceAccount) keys['aws:ResourceAccount'] = resourceAccount;
  return keys;
}

const derivedCache = new Map<string, ReadonlyMap<string, string[]>>();

/** Derived keys as a lower-cased context map, shared by every request with the same principal and resource account. */
function derivedContext(
  text: string,
  principal: RequestPrincipal,
  resourceAccount: string | undefined,
  openWorld: boolean,
): ReadonlyMap<string, string[]> {
  const cacheKey = `${text}\u0000${resourceAccount ?? ''}\u0000${openWorld ? 'open' : 'closed'}`;
  let context = derivedCache.get(cacheKey);
  if (!context) {
    const map = new Map<string, string[]>();
    for (const [key, value] of Object.entries(derivedKeys(text, principal, resourceAccount, openWorld)))
      map.set(key.toLowerCase(), [value]);
    context = map;
    if (derivedCache.size > 100_000) derivedCache.clear();
    derivedCache.set(cacheKey, context);
  }
  return context;
}

function resolveResourceAccount(request: AwsRequest, principal: RequestPrincipal): string | undefined {
  return request.resourceAccount ?? arnAccount(request.resource) ?? principal.account;
}

function toStrings(value: ContextValue): string[] | null {
  if (value === null) return null;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) =>
    typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v),
  );
}

export interface InternedAction {
  /** `service:action`, lower-cased. */
  full: string;
  service: string;
  name: string;
}

const actionCache = new Map<string, InternedAction>();

/** Actions are case-insensitive; interning makes the lower-casing and splitting happen once per distinct action. */
export function internAction(action: string): InternedAction {
  let interned = actionCache.get(action);
  if (!interned) {
    const full = action.toLowerCase();
    const colon = full.indexOf(':');
    interned = { full, service: full.slice(0, colon), name: full.slice(colon + 1) };
    if (actionCache.size > 50_000) actionCache.clear();
    actionCache.set(action, interned);
  }
  return interned;
}

const EMPTY_CONTEXT: ReadonlyMap<string, string[] | null> = new Map();

const resourceCache = new Map<string, ArnValue>();

/** A resource ARN split into segments, once per distinct resource. */
function resourceValue(text: string, pattern: boolean): ArnValue {
  if (pattern) return { text, parts: splitArn(text), pattern };
  let value = resourceCache.get(text);
  if (!value) {
    value = { text, parts: splitArn(text) };
    if (resourceCache.size > 100_000) resourceCache.clear();
    resourceCache.set(text, value);
  }
  return value;
}

export interface PreparedRequest {
  principal: RequestPrincipal;
  action: InternedAction;
  resource: ArnValue;
  resourceAccount: string | undefined;
  sameAccount: boolean;
  /** The request's own context as given; read through `contextValues`, which normalises it on first use. */
  rawContext: AwsRequest['context'];
  /** Lower-cased key → values (`null`: known absent), built on first use: most requests never read a key. */
  context: ReadonlyMap<string, string[] | null> | undefined;
  /** The keys AWS derives from the caller; the request's own context wins over them. */
  derived: ReadonlyMap<string, string[]>;
  /** When true, a key missing from `context` is unknown (the decision may become conditional). */
  openWorld: boolean;
  /** A NotPrincipal Deny exempts no principal that has a permissions boundary. */
  callerHasBoundary: boolean;
}

export function prepareRequest(
  request: AwsRequest,
  options: AuthorizeOptions,
  callerHasBoundary = false,
): PreparedRequest {
  const principal = parseRequestPrincipal(request.principal);
  const resourceAccount = resolveResourceAccount(request, principal);
  return {
    derived: derivedContext(
      request.principal,
      principal,
      resourceAccount,
      options.missingContext !== 'absent',
    ),
    rawContext: request.context,
    context: request.context ? undefined : EMPTY_CONTEXT,
    principal,
    action: internAction(request.action),
    resource: resourceValue(request.resource, request.resourceIsPattern === true),
    resourceAccount,
    sameAccount: principal.account !== undefined && principal.account === resourceAccount,
    openWorld: options.missingContext !== 'absent',
    callerHasBoundary,
  };
}

/** The request's own context keys, lower-cased, normalised once per request. */
export function contextValues(request: PreparedRequest): ReadonlyMap<string, string[] | null> {
  if (request.context) return request.context;
  const own = new Map<string, string[] | null>();
  for (const [key, value] of Object.entries(request.rawContext ?? {}))
    own.set(key.toLowerCase(), toStrings(value));
  request.context = own;
  return own;
}
