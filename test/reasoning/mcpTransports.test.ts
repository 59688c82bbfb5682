import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { API_TOKEN, exampleSnapshot } from '../runtime/serverHarness.js';
import { call, checkEveryTool } from './mcpHarness.js';

let dir: string;
let snapshotFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ares-mcp-'));
  snapshotFile = join(dir, 'profile.json');
  writeFileSync(snapshotFile, JSON.stringify(exampleSnapshot()));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ares mcp over stdio', () => {
  it('answers every tool from a spawned ares mcp, with nothing but protocol on stdout', async () => {
    const stderr: string[] = [];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'src/cli/main.ts', 'mcp', '--profile', snapshotFile],
      cwd: process.cwd(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const client = new Client({ name: 'test', version: '0' });
    // A line on stdout that is not JSON-RPC would surface here as an error.
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(transport);
    await checkEveryTool(client);
    await client.close();
    expect(errors).toEqual([]);
    expect(stderr.join('')).toContain('serving profile');
  });

  it('fails with exit 2 and a message naming the file when the profile is missing', async () => {
    const { main } = await import('../../src/cli/run.js');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['mcp', '--profile', join(dir, 'absent.json')], {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toContain('absent.json');
  });
});

describe('/mcp on ares serve (Streamable HTTP)', () => {
  let running: RunningServe;

  beforeAll(async () => {
    running = await startServe(
      {
        profile: snapshotFile,
        port: 0,
        host: '127.0.0.1',
        publicKeys: [],
        audit: join(dir, 'audit.db'),
        reloadIntervalSeconds: 0,
      },
      { ARES_API_TOKEN: API_TOKEN },
      () => undefined,
    );
  });

  afterAll(async () => {
    await running.stop();
  });

  function client(token?: string): { client: Client; transport: StreamableHTTPClientTransport } {
    const transport = new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
      requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    });
    return { client: new Client({ name: 'test', version: '0' }), transport };
  }

  it('answers every tool with the bearer token', async () => {
    const { client: c, transport } = client(API_TOKEN);
    await c.connect(transport);
    await checkEveryTool(c);
    await c.close();
  });

  it('refuses a request without a bearer token (401)', async () => {
    const response = await fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    const { client: c, transport } = client('wrong-token');
    await expect(c.connect(transport)).rejects.toThrow();
  });

  it('answers from a new profile version after a reload', async () => {
    const next = exampleSnapshot();
    next.version = 'v-next';
    writeFileSync(snapshotFile, JSON.stringify(next));
    expect(running.profiles.reload()).toMatchObject({ changed: true, version: 'v-next' });
    const { client: c, transport } = client(API_TOKEN);
    await c.connect(transport);
    const resource = await c.readResource({ uri: 'ares://profile/summary' });
    const first = resource.contents[0];
    expect(JSON.parse(first && 'text' in first ? first.text : '{}')).toMatchObject({ version: 'v-next' });
    // The view is rebuilt from the estate, so the exact answers stand.
    expect((await call(c, 'explain_decision', { principal: 'V', function: 'X' })).decision).toBe('allow');
    await c.close();
  });
});
