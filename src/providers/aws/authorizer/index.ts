/** The AWS authorizer: compiled policy sets and the request evaluation over them. (Being written.) */
import type { Decision } from '../../../model/index.js';
import type { AuthorizeOptions, AwsPolicySetInput, AwsRequest } from '../types.js';

export interface CompiledPolicySet {
  readonly input: AwsPolicySetInput;
}

export function compilePolicySet(input: AwsPolicySetInput): CompiledPolicySet {
  return { input };
}

export function authorize(request: AwsRequest, policies: CompiledPolicySet, options: AuthorizeOptions = {}): Decision {
  void request;
  void policies;
  void options;
  throw new Error('authorize: not implemented yet');
}
