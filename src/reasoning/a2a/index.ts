/**
 * ares as an A2A agent: other agents ask it whether an invocation is a bypass and where to block it (agent card at
 * /.well-known/agent-card.json, JSON-RPC SendMessage at /a2a/jsonrpc behind the bearer token).
 */
export {
  a2aRoutes,
  aresAgentCard,
  aresAgentExecutor,
  a2aResultData,
  AGENT_CARD_ROUTE,
  A2A_JSONRPC_ROUTE,
  type A2aRoutesOptions,
  type AresAgentCardOptions,
} from './agent.js';
