/**
 * The AWS request and policy-set shapes the authorizer takes.
 * AWS-specific by nature (ARNs, SCP levels), so they live with the provider, not in `model/`.
 */
import type { PolicyDocumentRef } from '../../model/index.js';

/** One value of a request context key. `null` says the key is known to be absent from the request. */
export type ContextScalar = string | number | boolean;
export type ContextValue = ContextScalar | ContextScalar[] | null;

/** A request as AWS sees it: who, what, on which resource, with which context. */
export interface AwsRequest {
  /** The caller's ARN: an IAM user, role, assumed-role session, federated user, account root, or a service principal such as `lambda.amazonaws.com`. */
  principal: string;
  /** `service:Action`, case-insensitive. */
  action: string;
  /** The resource ARN (or `*` for actions that take no resource). */
  resource: string;
  /**
   * True when `resource` stands for every name of a pattern (a CloudFormation-generated name, `stack-Table-*`):
   * a statement then applies when its Resource covers all those names, and may apply when it covers some.
   */
  resourceIsPattern?: boolean;
  /** The account that owns the resource; defaults to the ARN's account, else the principal's. */
  resourceAccount?: string;
  /** Request context keys (case-insensitive names). A key not given is unknown unless `missingContext` is `absent`. */
  context?: Record<string, ContextValue>;
}

/** A policy document with the id it is reported under. */
export type NamedPolicy = Pick<PolicyDocumentRef, 'id' | 'document'> &
  Partial<Pick<PolicyDocumentRef, 'source'>>;

/** Every policy that can take part in one request's evaluation. */
export interface AwsPolicySetInput {
  identityPolicies?: NamedPolicy[];
  resourcePolicy?: NamedPolicy;
  permissionsBoundary?: NamedPolicy;
  sessionPolicy?: NamedPolicy;
  /** Service control policies per level of the organization, root first, the account last. */
  scps?: NamedPolicy[][];
  /** Resource control policies per level, root first. RCPFullAWSAccess is always attached, so RCPs restrict only through Deny. */
  rcps?: NamedPolicy[][];
}

export interface AuthorizeOptions {
  /**
   * How to treat a condition key the request does not carry.
   * `unknown` (default): the decision becomes `conditional` when it depends on the key.
   * `absent`: the key is absent from the request, as AWS would see it.
   */
  missingContext?: 'unknown' | 'absent';
}
