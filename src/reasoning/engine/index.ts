/**
 * The reasoning engine: answers "is this invocation a bypass, and where to block it" by calling the ares MCP tools
 * (in-process through an MCP client) under a planner's direction, checks every verdict against the exact profile,
 * and (the orchestrator) caches decisions and feeds reasoned blocks into the served block table.
 */
export {
  createReasoningEngine,
  validateInvocation,
  type EngineOptions,
  type EngineStats,
  type ReasoningEngine,
} from './engine.js';
export { exactProfile, type ExactAnswer, type ExactProfile } from './exact.js';
export { connectEngine, type ConnectedEngine } from './connect.js';
export {
  createReasoningOrchestrator,
  type OrchestratorOptions,
  type OrchestratorStats,
  type ReasonedBlock,
  type ReasoningOrchestrator,
} from './orchestrator.js';
export { connectInMemory, mcpToolCaller, type InMemoryConnection } from './toolCaller.js';
export { InvocationError, PlannerError } from './errors.js';
export { summarizeResult } from './summarize.js';
export type {
  EngineResult,
  Invocation,
  ToolCaller,
  ToolDescriptor,
  ToolResult,
  TraceStep,
  Verdict,
  Verification,
} from './types.js';
