import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  createAresMcpServer,
  NoEstateError,
  ProfileView,
  UnknownNameError,
} from '../../src/reasoning/index.js';
import { exampleSnapshot, ids } from '../runtime/serverHarness.js';
import { checkEveryTool, DB1 } from './mcpHarness.js';

async function connected(view = new ProfileView(exampleSnapshot())): Promise<Client> {
  const server = createAresMcpServer(view);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(clientSide);
  return client;
}

describe('ares MCP server (in memory)', () => {
  it('answers every tool on the example estate', async () => {
    const client = await connected();
    await checkEveryTool(client);
    await client.close();
  });

  it('refuses arguments that fail the input schema with a tool error', async () => {
    const client = await connected();
    const result = (await client.callTool({
      name: 'list_findings',
      arguments: { severity: 'catastrophic' },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    await client.close();
  });

  it('takes request context in simulate and names unknown resources', async () => {
    const client = await connected();
    const result = (await client.callTool({
      name: 'simulate',
      arguments: {
        principal: 'V',
        action: 'dynamodb:PutItem',
        resource: DB1,
        context: { 'aws:SourceIp': '10.0.0.1' },
      },
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ decision: { decision: 'allow' } });
    const unknown = (await client.callTool({
      name: 'simulate',
      arguments: { principal: 'V', action: 'dynamodb:PutItem', resource: 'DB-2' },
    })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('DB-1');
    await client.close();
  });
});

describe('ProfileView', () => {
  const view = new ProfileView(exampleSnapshot());

  it('rebuilds the findings the scan stored, with the same ids', () => {
    expect(view.findings.map((f) => f.id).sort()).toEqual(
      exampleSnapshot()
        .findings.map((f) => f.id)
        .sort(),
    );
  });

  it('accepts ARNs, names and qualified function ARNs alike', () => {
    expect(view.listUserInvoke(ids.U)).toEqual(view.listUserInvoke('U'));
    expect(view.resolveFunction(`${ids.X}:live`)).toEqual({ id: ids.X, name: 'X' });
  });

  it('agrees with the closure on what a function reaches transitively', () => {
    const listed = view.listServiceReach('order-consumer', true).map((r) => `${r.action} ${r.resource.id}`);
    const closure = view.closure.accessesOf(ids.orderConsumer).map((a) => `${a.action} ${a.resource}`);
    expect(listed.sort()).toEqual(closure.sort());
  });

  it('throws a typed error with close candidates for an unknown principal', () => {
    expect(() => view.listUserDeny('mallroy')).toThrow(UnknownNameError);
    try {
      view.listUserDeny('mallroy');
    } catch (error) {
      expect((error as UnknownNameError).candidates).toContain('mallory');
    }
  });

  it('refuses a snapshot without its estate', () => {
    const old = exampleSnapshot();
    delete old.estate;
    expect(() => new ProfileView(old)).toThrow(NoEstateError);
  });
});
