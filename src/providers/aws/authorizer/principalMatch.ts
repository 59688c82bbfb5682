/**
 * Matching the Principal / NotPrincipal element of a resource-based policy against the caller.
 * The kind of match matters within one account: a grant naming the caller's own user or session ARN (or everyone)
 * is not limited by the caller's permissions boundary or session policy; one naming its role is; one naming its
 * account only delegates to identity-based policies.
 */
import type { PrincipalBlock } from '../policy/index.js';
import { splitArn } from './arn.js';
import type { RequestPrincipal } from './requestContext.js';

/**
 * How a Principal element matched the caller: `direct` names this exact identity (user, session, federated user)
 * or everyone; `role` the caller's role; `account` the caller's account; `service` the calling service.
 */
export type PrincipalMatch = 'none' | 'direct' | 'role' | 'account' | 'service';

const STRENGTH: Record<PrincipalMatch, number> = { none: 0, account: 1, service: 2, role: 3, direct: 4 };

function roleNameOf(resource: string): string {
  return resource.slice(resource.lastIndexOf('/') + 1);
}

function matchAwsValue(value: string, caller: RequestPrincipal): PrincipalMatch {
  if (/^\d{12}$/.test(value)) return caller.account === value ? 'account' : 'none';
  const parts = splitArn(value);
  if (!parts) return 'none';
  const [, , service, , account, resource] = parts as [string, string, string, string, string, string];
  if (service === 'iam') {
    if (resource === 'root')
      return caller.account === account && caller.kind !== 'service' ? 'account' : 'none';
    if (resource.startsWith('user/'))
      return caller.kind === 'user' && caller.text === value ? 'direct' : 'none';
    if (resource.startsWith('role/')) {
      if (caller.kind === 'role') return caller.text === value ? 'role' : 'none';
      if (caller.kind === 'session') {
        return caller.account === account && caller.name === roleNameOf(resource) ? 'role' : 'none';
      }
      return 'none';
    }
  }
  if (service === 'sts' && (caller.kind === 'session' || caller.kind === 'federated')) {
    return caller.text === value ? 'direct' : 'none';
  }
  return 'none';
}

/** How a Principal element names the caller: the strongest match among its values. */
export function matchPrincipal(block: PrincipalBlock, caller: RequestPrincipal): PrincipalMatch {
  // A wildcard matches the calling user or session itself, so its grant is direct. AWS documents it for a wildcard
  // narrowed by aws:PrincipalArn ("Permissions boundaries and session policies do not limit permissions granted using
  // the aws:PrincipalArn condition key with a wildcard(*) in the Principal element", IAM User Guide, policy
  // evaluation logic); a bare wildcard grants at least as much, as a condition only narrows an Allow.
  if (block.wildcard) return 'direct';
  let best: PrincipalMatch = 'none';
  for (const value of block.aws) {
    const match = matchAwsValue(value, caller);
    if (STRENGTH[match] > STRENGTH[best]) best = match;
  }
  if (best !== 'none') return best;
  if (caller.kind === 'service') {
    const name = caller.text.toLowerCase();
    if (block.service.some((s) => s.toLowerCase() === name)) return 'service';
  }
  if (block.federated.includes(caller.text) || block.canonicalUser.includes(caller.text)) return 'direct';
  return 'none';
}

function listsAccount(block: PrincipalBlock, account: string | undefined): boolean {
  return (
    account !== undefined &&
    block.aws.some((v) => v === account || /^arn:[^:]+:iam::(\d{12}):root$/.exec(v)?.[1] === account)
  );
}

function listsRole(block: PrincipalBlock, caller: RequestPrincipal): boolean {
  return block.aws.some((v) => {
    const parts = splitArn(v);
    return (
      parts?.[2] === 'iam' &&
      parts[4] === caller.account &&
      parts[5]?.startsWith('role/') &&
      roleNameOf(parts[5]) === caller.name
    );
  });
}

/**
 * Whether a NotPrincipal element exempts the caller. AWS checks each identity of the request in turn (the account,
 * then the role, then the session), so every one of them must be listed: a role ARN alone does not exempt its
 * sessions, and a user is exempt only when its account is listed too (IAM User Guide, NotPrincipal).
 */
export function notPrincipalExempts(block: PrincipalBlock, caller: RequestPrincipal): boolean {
  if (block.wildcard) return true;
  switch (caller.kind) {
    case 'service':
      return block.service.some((s) => s.toLowerCase() === caller.text.toLowerCase());
    case 'root':
      return listsAccount(block, caller.account);
    case 'user':
    case 'federated':
      return listsAccount(block, caller.account) && block.aws.includes(caller.text);
    case 'role':
      return listsAccount(block, caller.account) && listsRole(block, caller);
    case 'session':
      return (
        listsAccount(block, caller.account) && listsRole(block, caller) && block.aws.includes(caller.text)
      );
    default:
      return block.federated.includes(caller.text) || block.canonicalUser.includes(caller.text);
  }
}
