/**
 * The ARP over MCP: read-only tools over one ProfileView (who may invoke what, what a function reaches, what a
 * requester is denied, the bypass findings, the run-time decision and an exact what-if), and the profile summary
 * as a resource. Transport-free: `ares mcp` connects it to stdio, `ares serve` to Streamable HTTP at `/mcp`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { UnknownNameError, type ProfileView } from '../profileView.js';
import { inputs, outputs } from './schemas.js';

export const SUMMARY_URI = 'ares://profile/summary';

/** The tool names, for clients that check what they were given. */
export const ARES_MCP_TOOLS = [
  'list_user_invoke',
  'list_service_reach',
  'list_user_deny',
  'find_bypass_paths',
  'explain_decision',
  'simulate',
  'list_findings',
] as const;

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Runs one tool body: its answer as structured content (and as JSON text); a bad name as a tool error. */
function answer(body: () => Record<string, unknown>): CallToolResult {
  try {
    const structuredContent = body();
    return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
  } catch (error) {
    if (error instanceof UnknownNameError) {
      const detail = {
        error: 'UnknownName',
        kind: error.kind,
        value: error.value,
        candidates: error.candidates,
      };
      return {
        isError: true,
        content: [
          { type: 'text', text: error.message },
          { type: 'text', text: JSON.stringify(detail) },
        ],
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { isError: true, content: [{ type: 'text', text: `ares could not answer: ${message}` }] };
  }
}

export interface AresMcpServerOptions {
  /** The ares version the server reports (the CLI passes its own). */
  version?: string;
  /**
   * Writes an `explain_decision` answer to the audit log (route `mcp`) before the tool answers, as `/v1/decide`
   * does; a rejection (the log cannot be written) turns the answer into a tool error.
   */
  recordDecision?: (functionRef: string, principal: string) => Promise<unknown>;
}

export function createAresMcpServer(view: ProfileView, options: AresMcpServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'ares', version: options.version ?? '0.0.0' },
    {
      instructions:
        `ares Application Reachability Profile ${view.version}: who may invoke which serverless function, what ` +
        'each function reaches, what each requester is denied, and the privilege-bypass paths between them. ' +
        'Names, ARNs and ids are accepted; every answer is exact (computed from the estate, never guessed).',
    },
  );

  server.registerTool(
    'list_user_invoke',
    {
      title: 'Functions a requester may start',
      description:
        'UserInvoke: the functions a requester may start, directly (invoke) or by writing to an event source that triggers them.',
      inputSchema: inputs.listUserInvoke,
      outputSchema: outputs.listUserInvoke,
      annotations: READ_ONLY,
    },
    ({ principal }) =>
      answer(() => ({
        principal: view.resolvePrincipal(principal),
        invokes: view.listUserInvoke(principal),
      })),
  );

  server.registerTool(
    'list_service_reach',
    {
      title: 'What a function reaches',
      description:
        "ServiceReach: the (resource, action) pairs a function's identity may perform; with transitive, also those of every function it invokes or triggers, each with the function that performs it.",
      inputSchema: inputs.listServiceReach,
      outputSchema: outputs.listServiceReach,
      annotations: READ_ONLY,
    },
    ({ function: fn, transitive }) =>
      answer(() => ({
        function: view.resolveFunction(fn),
        transitive: transitive === true,
        reach: view.listServiceReach(fn, transitive === true),
      })),
  );

  server.registerTool(
    'list_user_deny',
    {
      title: 'What a requester is denied',
      description:
        'UserDeny: the (resource, action) pairs some function may perform that the requester is denied, with the denial class (explicit Deny, guardrail such as a boundary or SCP, or implicit when asked) and the deciding statements.',
      inputSchema: inputs.listUserDeny,
      outputSchema: outputs.listUserDeny,
      annotations: READ_ONLY,
    },
    ({ principal, includeImplicit }) =>
      answer(() => ({
        principal: view.resolvePrincipal(principal),
        denied: view.listUserDeny(principal, { includeImplicit: includeImplicit === true }),
      })),
  );

  server.registerTool(
    'find_bypass_paths',
    {
      title: 'Privilege-bypass paths',
      description:
        'Bypass findings (the ares scan JSON shape, with witness paths) for a requester, through a function anywhere on the path, or to a resource; all of them when no filter is given.',
      inputSchema: inputs.findBypassPaths,
      outputSchema: outputs.findBypassPaths,
      annotations: READ_ONLY,
    },
    (filter) => answer(() => ({ findings: view.findBypassPaths(filter) })),
  );

  server.registerTool(
    'explain_decision',
    {
      title: 'Allow or block at a function',
      description:
        'What the ares agent decides when this requester invokes this function (from the block table): allow or block, the reason, the witness path, the block point and the proving findings; for an allow, the later hops where bypasses started here are stopped.',
      inputSchema: inputs.explainDecision,
      outputSchema: outputs.explainDecision,
      annotations: READ_ONLY,
    },
    async ({ principal, function: fn }) => {
      const result = answer(() => ({ ...view.explainDecision(principal, fn) }));
      if (result.isError || !options.recordDecision) return result;
      try {
        await options.recordDecision(fn, principal);
      } catch {
        return {
          isError: true,
          content: [{ type: 'text', text: 'the decision could not be written to the audit log' }],
        };
      }
      return result;
    },
  );

  server.registerTool(
    'simulate',
    {
      title: 'Decide one request',
      description:
        "The cloud's exact authorization decision for principal, action, resource (and optional request context): allow, explicit-deny, implicit-deny, or conditional with the context keys it depends on; with the deciding statements.",
      inputSchema: inputs.simulate,
      outputSchema: outputs.simulate,
      annotations: READ_ONLY,
    },
    ({ principal, action, resource, context }) =>
      answer(() => ({ ...view.simulate(principal, action, resource, context) })),
  );

  server.registerTool(
    'list_findings',
    {
      title: 'Findings',
      description: 'Every finding of the profile, optionally of one severity or kind.',
      inputSchema: inputs.listFindings,
      outputSchema: outputs.listFindings,
      annotations: READ_ONLY,
    },
    (filter) => answer(() => ({ findings: view.listFindings(filter) })),
  );

  server.registerResource(
    'profile-summary',
    SUMMARY_URI,
    {
      title: 'ares profile summary',
      description: 'The profile version, its counts, and the top findings.',
      mimeType: 'application/json',
    },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(view.summary()) }],
    }),
  );

  return server;
}
