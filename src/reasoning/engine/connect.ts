/**
 * An engine over one profile snapshot: the profile view, the ares MCP server over it, an MCP client linked to it
 * in memory, and the exact profile the verdicts are checked against.
 */
import type { ProfileSnapshot } from '../../model/index.js';
import { createAresMcpServer } from '../mcp/server.js';
import { createProfileView } from '../profileView.js';
import { createReasoningEngine, type EngineOptions, type ReasoningEngine } from './engine.js';
import { exactProfile } from './exact.js';
import { connectInMemory } from './toolCaller.js';

export interface ConnectedEngine {
  engine: ReasoningEngine;
  close(): Promise<void>;
}

/** Throws NoEstateError (from the profile view) for a snapshot written without its estate. */
export async function connectEngine(
  snapshot: ProfileSnapshot,
  options: Omit<EngineOptions, 'tools' | 'exact'> = {},
): Promise<ConnectedEngine> {
  const view = createProfileView(snapshot);
  const connection = await connectInMemory(createAresMcpServer(view));
  const engine = createReasoningEngine({
    ...options,
    tools: connection.caller,
    exact: exactProfile(snapshot),
  });
  return { engine, close: () => connection.close() };
}
