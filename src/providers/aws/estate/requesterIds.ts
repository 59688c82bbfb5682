/**
 * Ids and names of requesters that are not IAM users or roles of the estate: identities that act through a role
 * they assume (Cognito identity pools, web-identity and SAML federation, other accounts), and identities outside
 * the estate (`anonymous`, other accounts named in resource policies). Every id starts with `requester:`, which no
 * ARN, account id or service principal does, so they never collide with IAM ids.
 */

const PREFIX = 'requester:';

/** The requester for public entry points: anyone, with no credentials. */
export const ANONYMOUS_REQUESTER = `${PREFIX}anonymous`;

/** Whether an id is one of these synthetic requester ids. */
export function isSyntheticRequester(id: string): boolean {
  return id.startsWith(PREFIX);
}

/** A party (`cognito:pool (authenticated)`, `account:999988887777`) acting through the role `roleArn`. */
export function actingRequesterId(party: string, roleArn: string): string {
  return `${PREFIX}${party}@${roleArn}`;
}

/** Another account's principal named in a resource policy, acting with its own (unknown) policies. */
export function outsideRequesterId(principalArn: string): string {
  return `${PREFIX}${principalArn}`;
}

/** `cognito:<pool> (authenticated)`; `amr` is `authenticated`, `unauthenticated`, or undefined for either. */
export function cognitoParty(pool: string | undefined, amr: string | undefined): string {
  return `cognito:${pool ?? 'any identity pool'}${amr ? ` (${amr})` : ''}`;
}

export function accountParty(account: string): string {
  return `account:${account}`;
}

/** `web-identity:token.actions.githubusercontent.com (repo:org/app:*)`. */
export function webIdentityParty(provider: string, subjects: readonly string[]): string {
  return `web-identity:${provider}${subjects.length > 0 ? ` (${subjects.join(', ')})` : ''}`;
}

export function samlParty(provider: string): string {
  return `saml:${provider}`;
}
