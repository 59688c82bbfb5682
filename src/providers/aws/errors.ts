/** Errors of the AWS provider: each names the input and the place in it that is wrong. */

/** A policy document or request that cannot be evaluated as written. */
export class PolicyValidationError extends Error {
  override readonly name = 'PolicyValidationError';
  constructor(
    /** Where in the input: e.g. `identityPolicies[0].Statement[2].Condition`. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}
