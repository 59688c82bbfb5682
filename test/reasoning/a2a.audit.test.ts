/**
 * A2A and MCP answers on `ares serve` are decisions like `/v1/decide`'s: taken by the same decide function, so they
 * agree with it (an unknown function included), and each is in the audit log (routes `a2a`, `mcp`) when answered.
 * The reasoning engine's decision cache stays within its configured size.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Role, type Message } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { exampleSnapshot, writeSnapshot } from './engineFixture.js';

const TOKEN = 'a2a-audit-token';
const CACHE_SIZE = 5;

function question(data: unknown): Message {
  return {
    messageId: randomUUID(),
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: [
      {
        content: { $case: 'data', value: data },
        metadata: undefined,
        filename: '',
        mediaType: 'application/json',
      },
    ],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

interface AuditRow {
  function: string;
  origin: string | null;
  decision: string;
  route: string;
}

describe('A2A and MCP decisions on ares serve', () => {
  let running: RunningServe;
  let auditFile: string;
  const auth = { serviceParameters: { authorization: `Bearer ${TOKEN}` } };

  beforeAll(async () => {
    const { dir, file } = writeSnapshot(exampleSnapshot());
    auditFile = join(dir, 'audit.db');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ reasoningCacheSize: CACHE_SIZE }));
    running = await startServe(
      {
        profile: file,
        port: 0,
        host: '127.0.0.1',
        config,
        publicKeys: [],
        audit: auditFile,
        reloadIntervalSeconds: 0,
      },
      { ARES_API_TOKEN: TOKEN },
      () => undefined,
    );
  });
  afterAll(async () => {
    await running.stop();
  });

  const rows = (route: string): AuditRow[] => {
    const db = new Database(auditFile, { readonly: true });
    try {
      return db
        .prepare('SELECT function, origin, decision, route FROM decisions WHERE route = ? ORDER BY id')
        .all(route) as AuditRow[];
    } finally {
      db.close();
    }
  };

  const viaDecide = async (fn: string, principal?: string): Promise<string> => {
    const response = await fetch(`${running.url}/v1/decide`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ function: fn, ...(principal ? { principal } : {}) }),
    });
    return ((await response.json()) as { decision: string }).decision;
  };

  it('answers every (function, requester) pair as /v1/decide does, unknown functions included, and audits each', async () => {
    const client = await new ClientFactory().createFromUrl(running.url);
    const functions = [
      ...Object.values(exampleSnapshot().blockTable.functions).map((f) => f.name),
      'no-such-function',
    ];
    const principals = [undefined, 'U', 'V', 'mallory', 'someone-unknown'];
    let asked = 0;
    for (const fn of functions) {
      for (const principal of principals) {
        const invocation = { function: fn, ...(principal ? { principal } : {}) };
        const reply = (await client.sendMessage({ message: question(invocation) } as never, auth)) as Message;
        const part = reply.parts.find((p) => p.content?.$case === 'data');
        const data = (part?.content?.$case === 'data' ? part.content.value : undefined) as {
          verdict: { decision: string };
          decisionService: { decision: string; agrees: boolean };
        };
        // On a function the profile knows, the engine reaches the service's answer on its own.
        if (fn !== 'no-such-function')
          expect({ invocation, agrees: data.decisionService.agrees }).toEqual({ invocation, agrees: true });
        expect({ invocation, decision: data.verdict.decision }).toEqual({
          invocation,
          decision: await viaDecide(fn, principal),
        });
        asked += 1;
      }
    }
    // The default unknownFunction is block: A2A no longer allows what /v1/decide blocks.
    const unknown = rows('a2a').filter((r) => r.function === 'no-such-function');
    expect(unknown.map((r) => r.decision)).toEqual(principals.map(() => 'block'));
    expect(rows('a2a')).toHaveLength(asked);
  });

  it('keeps the reasoning cache within its configured size', async () => {
    const client = await new ClientFactory().createFromUrl(running.url);
    for (let i = 0; i < 3 * CACHE_SIZE; i += 1)
      await client.sendMessage(
        { message: question({ function: 'X', principal: `visitor-${i}` }) } as never,
        auth,
      );
    const stats = running.reasoning.stats();
    expect(stats.cacheSize).toBeLessThanOrEqual(CACHE_SIZE);
    expect(stats.cacheEvictions).toBeGreaterThanOrEqual(2 * CACHE_SIZE);
  });

  it('audits an MCP explain_decision answer (route mcp) with the decision it gave', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    });
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(transport);
    const result = await client.callTool({
      name: 'explain_decision',
      arguments: { principal: 'U', function: 'X' },
    });
    await client.close();
    const answer = result.structuredContent as { decision: string };
    expect(answer.decision).toBe('block');
    const mcp = rows('mcp');
    expect(mcp).toHaveLength(1);
    expect(mcp[0]).toMatchObject({ decision: 'block', origin: 'arn:aws:iam::123456789012:user/U' });
  });
});
