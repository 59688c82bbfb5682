/** The parsed, validated shape of an AWS policy document: what the authorizer compiles. */

/** Which role a document plays; it decides which elements are required or forbidden. */
export type AwsPolicyKind =
  'identity' | 'resource' | 'permissions-boundary' | 'session' | 'scp' | 'rcp' | 'trust';

export interface PrincipalBlock {
  /** `"Principal": "*"` or `{"AWS": "*"}`. */
  wildcard: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** The base operator, e.g. `StringLike`. */
  base: string;
  setOperator?: SetOperator;
  ifExists: boolean;
  /** Context key, lower-cased (keys are case-insensitive). */
  key: string;
  /** Context key as written. */
  keyAsWritten: string;
  /** Policy values, as strings (JSON numbers and booleans are converted as AWS does). */
  values: string[];
}

export interface AwsStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalBlock;
  notPrincipal?: PrincipalBlock;
  conditions: ConditionClause[];
}

export interface AwsPolicyDocument {
  /** `2012-10-17` enables policy variables; `2008-10-17` (also the default when Version is absent) does not. */
  version: '2012-10-17' | '2008-10-17';
  statements: AwsStatement[];
}

export interface PolicyWarning {
  path: string;
  message: string;
}
