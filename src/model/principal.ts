import type { Cloud } from './cloud.js';
import type { SourceLocation } from './location.js';

/** What kind of identity a principal is; `function-identity` marks a function's own execution role. */
export type PrincipalKind =
  'user' | 'group' | 'role' | 'service-account' | 'service' | 'account' | 'federated';

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
   * AWS: the IAM unique id (user `AIDA…`, role `AROA…`), which SQS `SenderId` and S3 `principalId` name a writer
   * by. Known from an IAM export; without it no agent can tell who wrote a message.
   */
  uniqueId?: string;
  source?: SourceLocation;
}
