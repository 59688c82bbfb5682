/**
 * The planners: what proposes the next tool call to the reasoning engine. `deterministicPlanner` (the default, no
 * model) and `llmPlanner` (any OpenAI-compatible endpoint with tool calling) implement one `Planner` interface.
 */
export { deterministicPlanner } from './deterministic.js';
export {
  llmPlanner,
  openAiTools,
  parseToolArguments,
  extractJsonObject,
  SYSTEM_PROMPT,
  type LlmPlannerOptions,
} from './llm.js';
export type { Planner, PlannerMove, PlannerSession, PlannerTask, Observation } from './planner.js';
