/**
 * The reasoning engine: perceive → call a tool (over MCP) → observe, until the planner proves a bypass (block, with
 * the block point and the path) or finds that no path extends (allow). Bounded by steps and time; a malformed or
 * unknown call is recorded and the planner is told. Every verdict is then checked against the exact profile: the
 * exact answer wins, and a disagreement is counted and logged with its trace.
 */
import { setMaxListeners } from 'node:events';
import { deterministicPlanner } from '../planners/deterministic.js';
import type { Observation, Planner, PlannerMove } from '../planners/planner.js';
import { chainProblem, functionProblem, principalProblem } from '../../runtime/inputRules.js';
import { InvocationError } from './errors.js';
import type { ExactAnswer, ExactProfile } from './exact.js';
import { summarizeResult } from './summarize.js';
import type { EngineResult, Invocation, ToolCaller, TraceStep, Verdict, Verification } from './types.js';
import { argumentProblem } from './validateArgs.js';

export interface EngineOptions {
  tools: ToolCaller;
  /** The exact profile every verdict is checked against. */
  exact: ExactProfile;
  /** Default: the deterministic planner. */
  planner?: Planner;
  /** Planner moves (calls, malformed calls and answers) before falling back to the exact answer. Default 12. */
  maxSteps?: number;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Operational lines (disagreements, fallbacks); never given a secret. */
  log?: (line: string) => void;
}

export interface EngineStats {
  decisions: number;
  disagreements: number;
  /** Verdicts the planner did not reach within its bounds (the exact answer stood in). */
  fallbacks: number;
  /** Calls the planner made that were malformed, unknown or failed. */
  badCalls: number;
}

export interface ReasoningEngine {
  readonly planner: string;
  readonly profileVersion: string;
  readonly exact: ExactProfile;
  decide(invocation: Invocation, options?: { planner?: Planner }): Promise<EngineResult>;
  stats(): EngineStats;
}

const TIMEOUT = Symbol('timeout');

function publicVerdict(answer: ExactAnswer): Verdict {
  return {
    decision: answer.decision,
    ...(answer.blockPoint === undefined ? {} : { blockPoint: answer.blockPoint }),
    ...(answer.path === undefined ? {} : { path: answer.path }),
    reason: answer.reason,
    ...(answer.findingIds === undefined ? {} : { findingIds: answer.findingIds }),
  };
}

/** The same length limits and character rules as `/v1/decide`, so nothing unbounded reaches a cache or a log. */
export function validateInvocation(value: unknown): Invocation {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvocationError('expected an object {function, principal?, chain?}');
  const v = value as Record<string, unknown>;
  const problem =
    functionProblem(v.function) ??
    (v.principal === undefined ? undefined : principalProblem(v.principal)) ??
    (v.chain === undefined ? undefined : chainProblem(v.chain));
  if (problem) throw new InvocationError(problem);
  return {
    function: v.function as string,
    ...(v.principal === undefined ? {} : { principal: v.principal as string }),
    ...(v.chain === undefined ? {} : { chain: v.chain as string[] }),
  };
}

export function createReasoningEngine(options: EngineOptions): ReasoningEngine {
  const defaultPlanner = options.planner ?? deterministicPlanner();
  const maxSteps = options.maxSteps ?? 12;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`ares reasoning: ${line}\n`));
  const { exact, tools } = options;
  const stats: EngineStats = { decisions: 0, disagreements: 0, fallbacks: 0, badCalls: 0 };

  /** Same decision, and for a block the same block point (names and ids compare by id). */
  const agrees = (planned: Verdict, truth: ExactAnswer): boolean => {
    if (planned.decision !== truth.decision) return false;
    if (truth.decision === 'allow') return true;
    const point = planned.blockPoint === undefined ? undefined : exact.functionId(planned.blockPoint);
    return point === truth.blockPoint;
  };

  const decide = async (raw: Invocation, opts: { planner?: Planner } = {}): Promise<EngineResult> => {
    const started = performance.now();
    const invocation = validateInvocation(raw);
    const planner = opts.planner ?? defaultPlanner;
    const controller = new AbortController();
    // A planner may pass the signal to one request per move (the OpenAI client listens on it each time).
    setMaxListeners(maxSteps + 10, controller.signal);
    const deadline = started + timeoutMs;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    const trace: TraceStep[] = [];
    let planned: Verdict | undefined;
    let fallback: Verification['fallback'];
    try {
      const toolList = await tools.listTools();
      const byName = new Map(toolList.map((t) => [t.name, t]));
      const session = planner.start({ invocation, tools: toolList, maxSteps, signal: controller.signal });
      let observation: Observation | undefined;
      let moves = 0;
      for (;;) {
        if (moves >= maxSteps) {
          fallback = 'steps';
          break;
        }
        const remaining = deadline - performance.now();
        if (remaining <= 0) {
          fallback = 'timeout';
          break;
        }
        let timeout: NodeJS.Timeout | undefined;
        const move: PlannerMove | typeof TIMEOUT = await Promise.race([
          session.next(observation),
          new Promise<typeof TIMEOUT>((resolve) => {
            timeout = setTimeout(() => resolve(TIMEOUT), remaining);
          }),
        ]).finally(() => clearTimeout(timeout));
        if (move === TIMEOUT) {
          fallback = 'timeout';
          break;
        }
        moves += 1;
        const index = trace.length + 1;
        if (move.kind === 'conclude') {
          planned = move.verdict;
          trace.push({ index, kind: 'conclusion', verdict: move.verdict, ...thoughtOf(move.thought) });
          break;
        }
        if (move.kind === 'invalid') {
          stats.badCalls += 1;
          trace.push({
            index,
            kind: 'error',
            problem: move.problem,
            ...(move.raw === undefined ? {} : { args: move.raw }),
          });
          observation = { kind: 'error', problem: move.problem };
          continue;
        }
        const tool = byName.get(move.tool);
        const problem = tool
          ? argumentProblem(move.args, tool.inputSchema)
          : `unknown tool "${move.tool}" (the tools are ${[...byName.keys()].join(', ')})`;
        if (problem !== undefined) {
          stats.badCalls += 1;
          trace.push({
            index,
            kind: 'error',
            tool: move.tool,
            args: move.args,
            problem,
            ...thoughtOf(move.thought),
          });
          observation = { kind: 'error', tool: move.tool, problem };
          continue;
        }
        const args = move.args as Record<string, unknown>;
        try {
          const result = await tools.callTool(move.tool, args);
          if (result.isError) stats.badCalls += 1;
          trace.push({
            index,
            kind: 'call',
            tool: move.tool,
            args,
            result,
            summary: summarizeResult(move.tool, result),
            ...thoughtOf(move.thought),
          });
          observation = { kind: 'result', tool: move.tool, args, result };
        } catch (error) {
          stats.badCalls += 1;
          const message = `the call failed: ${error instanceof Error ? error.message : String(error)}`;
          trace.push({
            index,
            kind: 'error',
            tool: move.tool,
            args,
            problem: message,
            ...thoughtOf(move.thought),
          });
          observation = { kind: 'error', tool: move.tool, problem: message };
        }
      }
    } catch (error) {
      fallback = 'planner-error';
      const message = error instanceof Error ? error.message : String(error);
      trace.push({ index: trace.length + 1, kind: 'error', problem: `planner failed: ${message}` });
      log(`${planner.name} planner failed: ${message}`);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }

    const truth = exact.answer(invocation);
    const functionId = exact.functionId(invocation.function) ?? invocation.function;
    const origin = invocation.principal === undefined ? undefined : exact.principalId(invocation.principal);
    stats.decisions += 1;
    let verification: Verification;
    if (planned === undefined) {
      stats.fallbacks += 1;
      fallback ??= 'steps';
      log(
        `${planner.name} planner gave no verdict for ${describe(invocation)} (${fallback}); the exact answer stands: ${truth.decision}`,
      );
      verification = { exact: publicVerdict(truth), agrees: false, fallback };
    } else {
      const same = agrees(planned, truth);
      if (!same) {
        stats.disagreements += 1;
        log(
          `disagreement on ${describe(invocation)}: ${planner.name} planner said ${planned.decision}` +
            `${planned.blockPoint ? ` at ${planned.blockPoint}` : ''}, the exact profile says ${truth.decision}` +
            `${truth.blockPoint ? ` at ${exact.functionName(truth.blockPoint)}` : ''}; the exact answer wins; trace: ` +
            JSON.stringify(trace.map(compactStep)),
        );
      }
      verification = { exact: publicVerdict(truth), agrees: same, planner: planned };
    }
    // The exact answer wins; an agreeing planner's reason (its account of the path) is kept.
    const verdict: Verdict =
      verification.agrees && planned !== undefined
        ? { ...publicVerdict(truth), reason: planned.reason || truth.reason }
        : publicVerdict(truth);
    return {
      invocation,
      functionId,
      ...(origin === undefined ? {} : { origin }),
      profileVersion: exact.version,
      verdict,
      trace,
      planner: planner.name,
      verification,
      cached: false,
      elapsedMs: performance.now() - started,
    };
  };

  return {
    planner: defaultPlanner.name,
    profileVersion: exact.version,
    exact,
    decide,
    stats: () => ({ ...stats }),
  };
}

function thoughtOf(thought: string | undefined): { thought?: string } {
  return thought === undefined ? {} : { thought };
}

function describe(invocation: Invocation): string {
  return `${invocation.principal ?? '(no requester)'} at ${invocation.function}${
    invocation.chain?.length ? ` via ${invocation.chain.join(' → ')}` : ''
  }`;
}

/** A trace step for a log line: the call and its one-line outcome, not the whole tool answer. */
function compactStep(step: TraceStep): unknown {
  switch (step.kind) {
    case 'call':
      return { step: step.index, tool: step.tool, args: step.args, got: step.summary };
    case 'error':
      return { step: step.index, tool: step.tool, error: step.problem };
    case 'conclusion':
      return { step: step.index, verdict: step.verdict.decision, blockPoint: step.verdict.blockPoint };
  }
}
