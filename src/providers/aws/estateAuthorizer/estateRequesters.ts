/**
 * The requesters of an AWS estate: IAM users; roles that people of their own account may assume; every outside
 * party a role's trust policy names (another account, a Cognito identity pool, a web-identity or SAML provider),
 * acting with that role's policies; identity-pool role attachments the importers found; and identities outside
 * the estate whose own policies are unknown: `anonymous` (public entry points, `Principal: "*"`) and other
 * accounts named in resource policies.
 */
import type { Estate, Principal } from '../../../model/index.js';
import { PolicyValidationError } from '../errors.js';
import {
  accountParty,
  actingRequesterId,
  ANONYMOUS_REQUESTER,
  outsideRequesterId,
} from '../estate/requesterIds.js';
import { decodePolicyDocument } from '../policy/index.js';
import type { EstatePolicies } from './estatePolicies.js';
import { trustedParties } from './trustedParties.js';

export interface EstateRequesters {
  list: Principal[];
  byId: Map<string, Principal>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

function decoded(document: unknown, id: string): unknown {
  try {
    return decodePolicyDocument(document, id);
  } catch (error) {
    // An undecodable policy is reported where it is compiled (EstatePolicies); here it names nobody.
    if (error instanceof PolicyValidationError) return undefined;
    throw error;
  }
}

function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** The accounts the estate's own entities live in: a principal of any other account is outside. */
function estateAccounts(estate: Estate): Set<string> {
  const accounts = new Set<string>();
  for (const list of [estate.principals, estate.functions, estate.resources])
    for (const item of list) if (item.account) accounts.add(item.account);
  for (const f of estate.functions) {
    const account = accountOfArn(f.id);
    if (account) accounts.add(account);
  }
  return accounts;
}

/** The outside principals that resource policies' Allow statements name: `*` (anonymous) and other accounts. */
function resourcePolicyOutsiders(estate: Estate, accounts: Set<string>): Principal[] {
  const out = new Map<string, Principal>();
  const add = (principal: Principal): void => {
    if (!out.has(principal.id)) out.set(principal.id, principal);
  };
  for (const attachment of estate.policies) {
    if (attachment.type !== 'resource') continue;
    const document = decoded(attachment.document, attachment.id);
    const statements = isRecord(document) ? document.Statement : undefined;
    for (const statement of Array.isArray(statements) ? statements : [statements]) {
      if (!isRecord(statement) || statement.Effect !== 'Allow') continue;
      const principal = statement.Principal;
      const values = principal === '*' ? ['*'] : isRecord(principal) ? strings(principal.AWS) : [];
      for (const value of values) {
        if (value === '*') {
          add(anonymous());
          continue;
        }
        const account = /^\d{12}$/.test(value) ? value : /^arn:[^:]+:iam::(\d{12}):/.exec(value)?.[1];
        if (!account || accounts.has(account)) continue;
        const root = /^\d{12}$/.test(value) || value.endsWith(':root');
        const arn = root ? `arn:aws:iam::${account}:root` : value;
        add({
          id: outsideRequesterId(arn),
          name: root
            ? accountParty(account)
            : `${accountParty(account)} (${arn.slice(arn.lastIndexOf(':') + 1)})`,
          cloud: 'aws',
          kind: 'account',
          account,
          outside: true,
          ...(attachment.source ? { source: attachment.source } : {}),
        });
      }
    }
  }
  return [...out.values()];
}

function anonymous(): Principal {
  return { id: ANONYMOUS_REQUESTER, name: 'anonymous', cloud: 'aws', kind: 'anonymous', outside: true };
}

/** Every requester of the estate, each once, with names a person can tell apart. */
export function collectRequesters(estate: Estate, policies: EstatePolicies): EstateRequesters {
  const list: Principal[] = [];
  const byId = new Map<string, Principal>();
  const add = (principal: Principal): void => {
    if (byId.has(principal.id)) return;
    byId.set(principal.id, principal);
    list.push(principal);
  };
  const roleNames = new Map<string, string>();
  for (const p of estate.principals) {
    if (p.kind === 'role') roleNames.set(p.id, p.name);
    if (p.actsAs !== undefined) continue;
    if (p.kind === 'user') add(p);
    if (p.kind !== 'role') continue;
    const attachment = policies.trustAttachment(p.id);
    if (!attachment) continue;
    const trust = trustedParties(
      decoded(attachment.document, attachment.id),
      p.account ?? accountOfArn(p.id),
    );
    if (trust.keepRole) add(p);
    for (const party of trust.parties) {
      add({
        id: actingRequesterId(party.name, p.id),
        name: party.name,
        cloud: 'aws',
        kind: party.kind,
        ...(party.account ? { account: party.account } : {}),
        actsAs: p.id,
        ...(p.source ? { source: p.source } : {}),
      });
    }
  }
  // Identity-pool role attachments and the like, which the importers read as principals acting through a role.
  for (const p of estate.principals) if (p.actsAs !== undefined) add(p);
  if (estate.triggers.some((t) => t.public === true)) add(anonymous());
  for (const outsider of resourcePolicyOutsiders(estate, estateAccounts(estate))) add(outsider);
  disambiguate(list, roleNames);
  return { list, byId: new Map(list.map((p) => [p.id, p])) };
}

/** A party that acts through several roles gets the role's name after its own: `cognito:pool (authenticated) as R`. */
function disambiguate(list: Principal[], roleNames: Map<string, string>): void {
  const counts = new Map<string, number>();
  for (const p of list) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  for (const [i, p] of list.entries()) {
    if (p.actsAs === undefined || (counts.get(p.name) ?? 0) < 2) continue;
    const role = roleNames.get(p.actsAs) ?? p.actsAs.slice(p.actsAs.lastIndexOf('/') + 1);
    list[i] = { ...p, name: `${p.name} as ${role}` };
  }
}
