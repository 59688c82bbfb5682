/**
 * The engine talks MCP: a `ToolCaller` over an MCP `Client`, and an in-process pair (`InMemoryTransport`) that
 * links a client to an `McpServer` without a socket.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolCaller, ToolDescriptor, ToolResult } from './types.js';

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text'
        ? String((part as { text?: unknown }).text ?? '')
        : '',
    )
    .filter((t) => t !== '')
    .join('\n');
}

/** Tool calls through a connected MCP client; the tool list is read once. */
export function mcpToolCaller(client: Client): ToolCaller {
  let tools: Promise<ToolDescriptor[]> | undefined;
  return {
    listTools: () => {
      tools ??= client.listTools().then((listed) =>
        listed.tools.map((t) => ({
          name: t.name,
          ...(t.description === undefined ? {} : { description: t.description }),
          inputSchema: t.inputSchema as Record<string, unknown>,
        })),
      );
      return tools;
    },
    callTool: async (name, args): Promise<ToolResult> => {
      const result = await client.callTool({ name, arguments: args });
      return {
        ...(result.structuredContent === undefined ? {} : { structured: result.structuredContent }),
        text: textOf(result.content),
        isError: result.isError === true,
      };
    },
  };
}

export interface InMemoryConnection {
  caller: ToolCaller;
  client: Client;
  close(): Promise<void>;
}

/** Connects a fresh MCP client to `server` through a linked in-memory transport pair. */
export async function connectInMemory(server: McpServer): Promise<InMemoryConnection> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'ares-reasoning-engine', version: '1' });
  await client.connect(clientTransport);
  return {
    caller: mcpToolCaller(client),
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
