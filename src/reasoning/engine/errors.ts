/** Errors of the reasoning engine, each named for what went wrong. */

/** An invocation that cannot be judged (no function named). */
export class InvocationError extends Error {
  constructor(readonly problem: string) {
    super(`invalid invocation: ${problem}`);
    this.name = 'InvocationError';
  }
}

/** A planner that cannot run (for example an LLM endpoint that does not answer). */
export class PlannerError extends Error {
  constructor(
    readonly planner: string,
    readonly problem: string,
  ) {
    super(`${planner} planner: ${problem}`);
    this.name = 'PlannerError';
  }
}
