import type { Cloud } from './cloud.js';
import type { SourceLocation } from './location.js';

/** What kind of identity a principal is; `function-identity` marks a function's own execution role. */
export type PrincipalKind =
  'user' | 'group' | 'role' | 'service-account' | 'service' | 'account' | 'federated' | 'anonymous';

/** An identity that can make requests: a requester, or the identity a function runs as. */
export interface Principal {
  /** Globally unique id: the ARN on AWS, the member string on GCP, the object id on Azure. */
  id: string;
  /** The short name a person uses (user name, role name). */
  name: string;
  cloud: Cloud;
  kind: PrincipalKind;
  /** Account, project, subscription or tenant that owns the principal. */
  account?: string;
  /**
   * For a requester that acts through a role it assumes (a Cognito identity, a web-identity or SAML federation,
   * another account named in a trust policy): the role's id, whose policies decide what it may do.
   */
  actsAs?: string;
  /**
   * An identity outside the estate whose own policies are unknown (`anonymous`, another account named in a
   * resource policy): only the estate's resource policies can grant it anything, so everything else is implicitly
   * denied, and what it reaches through functions is reported without `--include-implicit`.
   */
  outside?: boolean;
  /**
   * AWS: the IAM unique id (user `AIDA…`, role `AROA…`), which SQS `SenderId` and S3 `principalId` name a writer
   * by. Known from an IAM export; without it no agent can tell who wrote a message.
   */
  uniqueId?: string;
  source?: SourceLocation;
}
