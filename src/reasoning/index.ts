/**
 * Reasoning: the profile as questions and answers (ProfileView), exposed to agents and LLMs as MCP tools (stdio
 * through `ares mcp`, Streamable HTTP at `/mcp` on `ares serve`). The reasoning engine and A2A endpoint build on
 * the same view; every verdict they give is checked against it.
 */
export {
  ProfileView,
  createProfileView,
  UnknownNameError,
  NoEstateError,
  type NameKind,
  type NamedKindRef,
  type InvokeAnswer,
  type ReachAnswer,
  type DenyAnswer,
  type ExplainAnswer,
  type SimulateAnswer,
  type ProfileSummary,
  type FindingFilter,
} from './profileView.js';
export { createAresMcpServer, ARES_MCP_TOOLS, SUMMARY_URI, type AresMcpServerOptions } from './mcp/server.js';
export { mcpRoutes, createViewCache } from './mcp/http.js';
export * from './engine/index.js';
export * from './planners/index.js';
export * from './a2a/index.js';
