/**
 * Matching the Principal / NotPrincipal element of a resource-based policy against the caller.
 * The kind of match matters: within one account, a grant to a user ARN or a session ARN is not limited by the
 * caller's permissions boundary or session policy, while a grant to a role ARN or an account is.
 */
import type { PrincipalBlock } from '../policy/index.js';
import { splitArn } from './arn.js';
import type { RequestPrincipal } from './requestContext.js';

/** How a Principal element matched the caller: `direct` grants name this exact identity (user, session, federated user). */
export type PrincipalMatch = 'none' | 'direct' | 'indirect';

function roleNameOf(resource: string): string {
  return resource.slice(resource.lastIndexOf('/') + 1);
}

function matchAwsValue(value: string, caller: RequestPrincipal, rolesCoverSessions: boolean): PrincipalMatch {
  if (/^\d{12}$/.test(value)) return caller.account === value ? 'indirect' : 'none';
  const parts = splitArn(value);
  if (!parts) return 'none';
  const [, , service, , account, resource] = parts as [string, string, string, string, string, string];
  if (service === 'iam') {
    if (resource === 'root')
      return caller.account === account && caller.kind !== 'service' ? 'indirect' : 'none';
    if (resource.startsWith('user/'))
      return caller.kind === 'user' && caller.text === value ? 'direct' : 'none';
    if (resource.startsWith('role/')) {
      if (caller.kind === 'role') return caller.text === value ? 'indirect' : 'none';
      if (caller.kind === 'session' && rolesCoverSessions) {
        return caller.account === account && caller.name === roleNameOf(resource) ? 'indirect' : 'none';
      }
      return 'none';
    }
  }
  if (service === 'sts' && (caller.kind === 'session' || caller.kind === 'federated')) {
    return caller.text === value ? 'direct' : 'none';
  }
  return 'none';
}

/** How `block` names the caller. `forNotPrincipal` applies NotPrincipal's literal reading: a role ARN does not name its sessions. */
export function matchPrincipal(
  block: PrincipalBlock,
  caller: RequestPrincipal,
  forNotPrincipal = false,
): PrincipalMatch {
  if (block.wildcard) return 'indirect';
  let best: PrincipalMatch = 'none';
  for (const value of block.aws) {
    const match = matchAwsValue(value, caller, !forNotPrincipal);
    if (match === 'direct') return 'direct';
    if (match === 'indirect') best = 'indirect';
  }
  if (best !== 'none') return best;
  if (caller.kind === 'service') {
    const name = caller.text.toLowerCase();
    if (block.service.some((s) => s.toLowerCase() === name)) return 'indirect';
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
