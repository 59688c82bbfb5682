/** AWS policy documents: parsing and validation into the typed form the authorizer compiles. */
export { parsePolicyDocument, decodePolicyDocument, type ParsedPolicy } from './parsePolicyDocument.js';
export { parseConditionOperator, CONDITION_OPERATORS } from './conditionOperators.js';
export type { OperatorSpec, OperatorFamily, ParsedOperator } from './conditionOperators.js';
export type {
  AwsPolicyDocument,
  AwsPolicyKind,
  AwsStatement,
  ConditionClause,
  PolicyWarning,
  PrincipalBlock,
  SetOperator,
} from './policyDocument.js';
