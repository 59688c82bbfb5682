/**
 * What every planner implements: given the invocation and the tools, propose one move at a time (call a tool, or
 * conclude), each time told what the last move produced. The engine runs the loop, enforces the bounds, validates
 * the calls and checks the conclusion against the exact profile; a planner only reasons.
 */
import type { Invocation, ToolDescriptor, ToolResult, Verdict } from '../engine/types.js';

export interface PlannerTask {
  invocation: Invocation;
  tools: ToolDescriptor[];
  maxSteps: number;
  /** Aborted when the engine's time bound passes. */
  signal: AbortSignal;
}

/** What the planner's last move produced. */
export type Observation =
  | { kind: 'result'; tool: string; args: Record<string, unknown>; result: ToolResult }
  /** The move could not be carried out (unknown tool, malformed arguments, a tool failure, an unreadable answer). */
  | { kind: 'error'; tool?: string; problem: string };

export type PlannerMove =
  | { kind: 'call'; tool: string; args: unknown; thought?: string }
  | { kind: 'conclude'; verdict: Verdict; thought?: string }
  /** The planner produced something that is neither (for example a final answer that is not the JSON asked for). */
  | { kind: 'invalid'; problem: string; raw?: string };

export interface PlannerSession {
  /** The next move; `observation` is undefined on the first call. */
  next(observation: Observation | undefined): Promise<PlannerMove>;
}

export interface Planner {
  readonly name: string;
  start(task: PlannerTask): PlannerSession;
}
