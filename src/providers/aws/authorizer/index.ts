/**
 * The AWS authorizer: compiles policy documents once into indexed matchers, then decides requests exactly as
 * AWS's published evaluation logic does, with the deciding statements as the explanation.
 */
export { authorize } from './authorize.js';
export { compilePolicySet, type CompiledPolicySet, type CompileOptions } from './policySet.js';
export {
  compilePolicy,
  statementCoversAction,
  type CompiledPolicy,
  type CompiledStatement,
} from './compiledPolicy.js';
export { ArnPattern } from './arn.js';
export { derivedContextKeys, parseRequestPrincipal, type RequestPrincipal } from './requestContext.js';
export { splitArn, arnAccount, isNamePattern, toArnValue, type ArnValue } from './arn.js';
export type { NameRelation } from './namePattern.js';
export { globMatcher } from './pattern.js';
