/** The reasoning engine's vocabulary: the question (an invocation), the answer (a verdict) and how it was reached. */
import type { PathStep } from '../../model/index.js';

/** One invocation to judge: a function, who started it (when known), and the functions it came through. */
export interface Invocation {
  /** Function id (ARN) or name. */
  function: string;
  /** The original requester: ARN, name or unique id. */
  principal?: string;
  /** Functions the invocation came through before `function`, first hop first. */
  chain?: string[];
}

export interface Verdict {
  decision: 'allow' | 'block';
  /** The function (id) at which to block: the one that would perform the denied access. */
  blockPoint?: string;
  /** The witness path, requester first. */
  path?: PathStep[];
  reason: string;
  findingIds?: string[];
}

/** A tool as the MCP server lists it (`inputSchema` is JSON Schema). */
export interface ToolDescriptor {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

/** What one tool call returned. */
export interface ToolResult {
  structured?: unknown;
  /** The text content parts, joined. */
  text: string;
  isError: boolean;
}

/** How the engine reaches the tools: an MCP client, even in-process. */
export interface ToolCaller {
  listTools(): Promise<ToolDescriptor[]>;
  callTool(name: string, args: Record<string, unknown>): Promise<ToolResult>;
}

export type TraceStep =
  | {
      index: number;
      kind: 'call';
      tool: string;
      args: Record<string, unknown>;
      result: ToolResult;
      /** What came back, in one line. */
      summary: string;
      /** The planner's conclusion from this step, or why it made the call. */
      thought?: string;
    }
  | {
      index: number;
      kind: 'error';
      /** The tool the planner asked for, when it named one. */
      tool?: string;
      /** The arguments as they arrived (possibly a string that is not JSON). */
      args?: unknown;
      problem: string;
      thought?: string;
    }
  | { index: number; kind: 'conclusion'; verdict: Verdict; thought?: string };

export interface Verification {
  /** The exact profile's answer, which wins. */
  exact: Verdict;
  agrees: boolean;
  /** What the planner concluded, when it concluded at all. */
  planner?: Verdict;
  /** Set when the planner gave no usable answer within its bounds and the exact answer stands in. */
  fallback?: 'steps' | 'timeout' | 'planner-error';
}

export interface EngineResult {
  invocation: Invocation;
  /** The function and origin the invocation resolved to (ids), and the profile version it was judged against. */
  functionId: string;
  origin?: string;
  profileVersion: string;
  verdict: Verdict;
  trace: TraceStep[];
  planner: string;
  verification: Verification;
  cached: boolean;
  elapsedMs: number;
}
