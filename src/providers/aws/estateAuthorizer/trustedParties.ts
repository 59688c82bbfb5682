/**
 * Who may assume a role, read from its trust policy: people of the role's own account (the role itself is then a
 * requester, as before), other accounts, Cognito identity pools, web-identity (OIDC) providers and SAML providers.
 * Each outside party becomes a requester that acts with the role's policies.
 */
import type { PrincipalKind } from '../../../model/index.js';
import { accountParty, cognitoParty, samlParty, webIdentityParty } from '../estate/requesterIds.js';

export interface TrustedParty {
  /** The requester's name: `cognito:<pool> (authenticated)`, `account:999988887777`, `saml:Okta`, ... */
  name: string;
  kind: PrincipalKind;
  account?: string;
}

export interface RoleTrust {
  /** People or principals of the role's own account (or anyone) may assume it: the role is a requester itself. */
  keepRole: boolean;
  parties: TrustedParty[];
}

const COGNITO = 'cognito-identity.amazonaws.com';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

/** Values of a condition key under any operator (`StringEquals`, `ForAnyValue:StringLike`, ...), key case-insensitive. */
function conditionValues(condition: unknown, key: string): string[] {
  if (!isRecord(condition)) return [];
  const out: string[] = [];
  for (const block of Object.values(condition)) {
    if (!isRecord(block)) continue;
    for (const [k, v] of Object.entries(block))
      if (k.toLowerCase() === key.toLowerCase()) out.push(...strings(v));
  }
  return out;
}

/** The account of an AWS principal value (`999988887777`, `arn:aws:iam::999988887777:root`, a user or role ARN). */
function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

function federatedParties(provider: string, condition: unknown): TrustedParty[] {
  if (provider === COGNITO) {
    const pools = conditionValues(condition, `${COGNITO}:aud`);
    const amrs = conditionValues(condition, `${COGNITO}:amr`).filter((a) => /^(un)?authenticated$/.test(a));
    const out: TrustedParty[] = [];
    for (const pool of pools.length > 0 ? pools : [undefined])
      for (const amr of amrs.length > 0 ? amrs : [undefined])
        out.push({ name: cognitoParty(pool, amr), kind: 'federated' });
    return out;
  }
  const saml = /^arn:[^:]+:iam::\d{12}:saml-provider\/(.+)$/.exec(provider);
  if (saml) return [{ name: samlParty(saml[1] as string), kind: 'federated' }];
  const oidc = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(provider);
  const host = oidc ? (oidc[1] as string) : provider;
  // An OIDC trust is usually narrowed to subjects (GitHub: `repo:org/app:ref:...`); name them, they say who.
  return [{ name: webIdentityParty(host, conditionValues(condition, `${host}:sub`)), kind: 'federated' }];
}

/** The parties a trust policy document (already decoded) lets assume the role `roleAccount` owns. */
export function trustedParties(document: unknown, roleAccount: string | undefined): RoleTrust {
  const trust: RoleTrust = { keepRole: false, parties: [] };
  const statements = isRecord(document) ? document.Statement : undefined;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    if (!isRecord(statement) || statement.Effect !== 'Allow' || statement.Principal === undefined) continue;
    const principal = statement.Principal;
    if (principal === '*') {
      trust.keepRole = true;
      continue;
    }
    if (!isRecord(principal)) continue;
    for (const value of strings(principal.AWS)) {
      const account = accountOf(value);
      if (value === '*' || account === undefined || account === roleAccount) trust.keepRole = true;
      else trust.parties.push({ name: accountParty(account), kind: 'account', account });
    }
    for (const provider of strings(principal.Federated))
      trust.parties.push(...federatedParties(provider, statement.Condition));
  }
  const seen = new Set<string>();
  trust.parties = trust.parties.filter((p) => !seen.has(p.name) && seen.add(p.name) !== undefined);
  return trust;
}
