/**
 * `/mcp` on `ares serve`: the MCP tools over Streamable HTTP, stateless (a fresh server and transport per
 * request, JSON answers, no session), over the profile the server holds. The view is rebuilt only when the
 * profile version changes. Authentication is the server's: `/mcp` needs the same bearer token as `/v1/`.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { errorResponse, route, type Route } from '../../runtime/http.js';
import type { LoadedProfile } from '../../runtime/loadedProfile.js';
import { NoEstateError, ProfileView } from '../profileView.js';
import { createAresMcpServer, type AresMcpServerOptions } from './server.js';

/** Keeps the view of the latest profile version asked about; a new version replaces it. */
export function createViewCache(): (profile: LoadedProfile) => ProfileView {
  let cached: { version: string; view: ProfileView } | undefined;
  return (profile) => {
    if (cached?.version !== profile.version)
      cached = { version: profile.version, view: new ProfileView(profile.snapshot) };
    return cached.view;
  };
}

export interface McpRoutesOptions extends Omit<AresMcpServerOptions, 'recordDecision'> {
  /** Audits an `explain_decision` answer with the profile the request is answered with (route `mcp`). */
  recordDecision?: (profile: LoadedProfile, functionRef: string, principal: string) => Promise<unknown>;
}

/** The `/mcp` routes: POST carries JSON-RPC; GET and DELETE (streams, sessions) are refused by the router (405). */
export function mcpRoutes(options: McpRoutesOptions = {}): Route[] {
  const { recordDecision, ...serverOptions } = options;
  const viewOf = createViewCache();
  return [
    route('POST', '/mcp', async (request, scope) => {
      let view: ProfileView;
      try {
        view = viewOf(scope.profile);
      } catch (error) {
        if (error instanceof NoEstateError) return errorResponse(503, 'NoEstate', error.message);
        throw error;
      }
      const server = createAresMcpServer(view, {
        ...serverOptions,
        ...(recordDecision
          ? {
              recordDecision: (fn: string, principal: string) => recordDecision(scope.profile, fn, principal),
            }
          : {}),
      });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await server.connect(transport);
      try {
        return await transport.handleRequest(request);
      } finally {
        await server.close();
      }
    }),
  ];
}
