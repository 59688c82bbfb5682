/** `ares mcp`: serve the profile's MCP tools over stdio, for Claude Desktop and other MCP clients. */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createAresMcpServer, NoEstateError, ProfileView } from '../../reasoning/index.js';
import { readProfileSnapshot } from '../readProfileSnapshot.js';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_PROFILE_STORE } from './scan.js';
import { ARES_VERSION } from '../version.js';

export const mcpHelp = `Usage: ares mcp [options]

Serves the Application Reachability Profile as MCP tools over stdio (list_user_invoke, list_service_reach,
list_user_deny, find_bypass_paths, explain_decision, simulate, list_findings; resource
ares://profile/summary). Standard output carries only the protocol; notes go to standard error.
See docs/mcp.md. 'ares serve' offers the same tools over Streamable HTTP at /mcp.

Options:
  --profile FILE   profile store, or a ProfileSnapshot .json file (default ${DEFAULT_PROFILE_STORE});
                   the snapshot must carry its estate (saved by a current 'ares scan --save')
  -h, --help       show this help

Exit codes: 0 the client closed the connection, 2 the profile cannot be read.`;

/** Reads the latest snapshot of FILE and builds its view; problems as InputError (exit 2). */
export function loadProfileView(file: string): ProfileView {
  const snapshot = readProfileSnapshot(file);
  try {
    return new ProfileView(snapshot);
  } catch (error) {
    if (error instanceof NoEstateError) throw new InputError(file, error.message);
    throw error;
  }
}

export async function runMcp(
  args: string[],
  print: (text: string) => void,
  printErr: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: DEFAULT_PROFILE_STORE },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(mcpHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`mcp takes no arguments (got "${positionals[0]}")`);
  const view = loadProfileView(values.profile);
  const server = createAresMcpServer(view, { version: ARES_VERSION });
  const transport = new StdioServerTransport();
  const closed = new Promise<number>((resolve) => {
    transport.onclose = () => resolve(0);
    process.stdin.once('end', () => void server.close());
  });
  await server.connect(transport);
  printErr(`ares mcp: serving profile ${view.version} over stdio`);
  return closed;
}
