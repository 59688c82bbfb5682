/**
 * A request prepared for evaluation: the principal parsed, the action interned, the resource split, and the
 * context keys normalised (lower-case names, string values) with the keys AWS always derives from the caller.
 */
import type { AuthorizeOptions, AwsRequest, ContextValue } from '../types.js';
import { splitArn, type ArnValue } from './arn.js';

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

/** A parsed caller with its derived-key contexts, per resource account, for closed- and open-world requests. */
interface PrincipalEntry {
  principal: RequestPrincipal;
  closed: Map<string, ReadonlyMap<string, string[]>>;
  open: Map<string, ReadonlyMap<string, string[]>>;
}

const principalCache = new Map<string, PrincipalEntry>();

function principalEntry(text: string): PrincipalEntry {
  let entry = principalCache.get(text);
  if (!entry) {
    entry = { principal: parsePrincipalText(text), closed: new Map(), open: new Map() };
    if (principalCache.size > 100_000) principalCache.clear();
    principalCache.set(text, entry);
  }
  return entry;
}

/** Parses a caller (cached: an estate asks about the same few thousand principals again and again). */
export function parseRequestPrincipal(text: string): RequestPrincipal {
  return principalEntry(text).principal;
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
  const resourceAccount = resolveResourceAccount(
    request,
    principal,
    resourceValue(request.resource, request.resourceIsPattern === true),
  );
  return derivedKeys(request.principal, principal, resourceAccount, false);
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

/**
 * Derived keys as a lower-cased context map, shared by every request with the same principal and resource account
 * (cached on the principal's entry, so a request costs one lookup by account, not a composite key string).
 */
function derivedContext(
  entry: PrincipalEntry,
  text: string,
  resourceAccount: string | undefined,
  openWorld: boolean,
): ReadonlyMap<string, string[]> {
  const byAccount = openWorld ? entry.open : entry.closed;
  const accountKey = resourceAccount ?? '';
  let context = byAccount.get(accountKey);
  if (!context) {
    const map = new Map<string, string[]>();
    for (const [key, value] of Object.entries(derivedKeys(text, entry.principal, resourceAccount, openWorld)))
      map.set(key.toLowerCase(), [value]);
    context = map;
    // Bounded like the principal cache: a principal meets at most the estate's accounts.
    if (byAccount.size > 10_000) byAccount.clear();
    byAccount.set(accountKey, context);
  }
  return context;
}

function resolveResourceAccount(
  request: AwsRequest,
  principal: RequestPrincipal,
  resource: ArnValue,
): string | undefined {
  return request.resourceAccount ?? (resource.parts?.[4] || undefined) ?? principal.account;
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

const lowerKeys = new Map<string, string>();

/** Context key names are case-insensitive and few: lower-case each distinct spelling once. */
function lowerKey(key: string): string {
  let lower = lowerKeys.get(key);
  if (lower === undefined) {
    lower = key.toLowerCase();
    if (lowerKeys.size > 50_000) lowerKeys.clear();
    lowerKeys.set(key, lower);
  }
  return lower;
}

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
  /** The request's own context as given; read through `ownContextValues`. */
  rawContext: AwsRequest['context'];
  /** The own context's key names as written, listed on first use (most requests read no key). */
  ownKeys: string[] | undefined;
  /** The keys AWS derives from the caller; the request's own context wins over them. */
  derived: ReadonlyMap<string, string[]>;
  /** When true, a key missing from `context` is unknown (the decision may become conditional). */
  openWorld: boolean;
  /** A NotPrincipal Deny exempts no principal that has a permissions boundary. */
  callerHasBoundary: boolean;
}

const NO_KEYS: string[] = [];

export function prepareRequest(
  request: AwsRequest,
  options: AuthorizeOptions,
  callerHasBoundary = false,
): PreparedRequest {
  const entry = principalEntry(request.principal);
  const principal = entry.principal;
  const resource = resourceValue(request.resource, request.resourceIsPattern === true);
  const resourceAccount = resolveResourceAccount(request, principal, resource);
  const openWorld = options.missingContext !== 'absent';
  return {
    derived: derivedContext(entry, request.principal, resourceAccount, openWorld),
    rawContext: request.context,
    ownKeys: request.context ? undefined : NO_KEYS,
    principal,
    action: internAction(request.action),
    resource,
    resourceAccount,
    sameAccount: principal.account !== undefined && principal.account === resourceAccount,
    openWorld,
    callerHasBoundary,
  };
}

/**
 * The values of one of the request's own context keys (lower-case name): `undefined` when the request does not
 * carry it, `null` when it says the key is absent. Two spellings of one key: the later one wins, as in a map.
 * A request carries a handful of keys and reads fewer, so this scans the names rather than building a map.
 */
export function ownContextValues(request: PreparedRequest, key: string): string[] | null | undefined {
  const raw = request.rawContext;
  if (raw === undefined) return undefined;
  const names = (request.ownKeys ??= Object.keys(raw));
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i] as string;
    if (name.length === key.length && lowerKey(name) === key) return toStrings(raw[name] as ContextValue);
  }
  return undefined;
}
