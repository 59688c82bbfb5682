/**
 * The AWS provider: parses AWS policies and decides requests exactly as AWS's published evaluation logic does.
 * `compilePolicySet` turns documents into indexed matchers once; `authorize` decides one request in microseconds.
 */
export type {
  AwsRequest,
  AwsPolicySetInput,
  AuthorizeOptions,
  ContextScalar,
  ContextValue,
  NamedPolicy,
} from './types.js';
export { PolicyValidationError } from './errors.js';
export { parseSimulationInput, type SimulationInput } from './simulation/simulationFile.js';
export {
  compilePolicySet,
  compilePolicy,
  authorize,
  derivedContextKeys,
  type CompiledPolicySet,
  type CompiledPolicy,
  type CompileOptions,
} from './authorizer/index.js';
