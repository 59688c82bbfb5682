/** A2A round trip: the SDK's client against `ares serve` started in-process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Role, type Message } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { exampleSnapshot, writeSnapshot, X } from './engineFixture.js';

const TOKEN = 'a2a-test-token';

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

function dataOf(reply: unknown): any {
  const message = reply as Message;
  const part = message.parts.find((p) => p.content?.$case === 'data');
  return part?.content?.$case === 'data' ? part.content.value : undefined;
}

describe('A2A on ares serve', () => {
  let running: RunningServe;

  beforeAll(async () => {
    const { dir, file } = writeSnapshot(exampleSnapshot());
    running = await startServe(
      {
        profile: file,
        port: 0,
        host: '127.0.0.1',
        publicKeys: [],
        audit: join(dir, 'audit.db'),
        reloadIntervalSeconds: 0,
      },
      { ARES_API_TOKEN: TOKEN },
      () => undefined,
    );
  });
  afterAll(async () => {
    await running.stop();
  });

  it('publishes an agent card without auth that declares bearer auth', async () => {
    const response = await fetch(`${running.url}/.well-known/agent-card.json`);
    expect(response.status).toBe(200);
    const card = (await response.json()) as any;
    expect(card.name).toBe('ares');
    expect(card.supportedInterfaces[0]).toMatchObject({
      url: `${running.url}/a2a/jsonrpc`,
      protocolBinding: 'JSONRPC',
      protocolVersion: '1.0',
    });
    expect(JSON.stringify(card.securitySchemes)).toMatch(/bearer/i);
    expect(card.skills[0].id).toBe('judge-invocation');
  });

  it('answers SendMessage with the verdict and a trace summary (SDK client round trip)', async () => {
    const client = await new ClientFactory().createFromUrl(running.url);
    const auth = { serviceParameters: { authorization: `Bearer ${TOKEN}` } };
    const reply = await client.sendMessage(
      { message: question({ function: 'X', principal: 'U' }) } as any,
      auth,
    );
    const data = dataOf(reply);
    expect(data.verdict).toMatchObject({ decision: 'block', blockPoint: X });
    expect(data.verdict.path.map((s: any) => s.name)).toEqual(['U', 'X', 'DB-1']);
    expect(data.verification).toMatchObject({ agrees: true, exact: 'block' });
    expect(data.planner).toBe('deterministic');
    expect(data.cached).toBe(false);
    expect(data.trace.map((s: any) => s.tool ?? s.concluded)).toEqual([
      'list_user_invoke',
      'list_service_reach',
      'list_user_deny',
      'find_bypass_paths',
      'block',
    ]);

    const again = dataOf(
      await client.sendMessage({ message: question({ function: 'X', principal: 'U' }) } as any, auth),
    );
    expect(again.cached).toBe(true);

    const v = dataOf(
      await client.sendMessage({ message: question({ function: 'X', principal: 'V' }) } as any, auth),
    );
    expect(v.verdict.decision).toBe('allow');

    const bad = dataOf(await client.sendMessage({ message: question({ principal: 'U' }) } as any, auth));
    expect(bad).toMatchObject({ error: 'InvalidInvocation' });
  });

  it('refuses SendMessage without the bearer token (401)', async () => {
    const response = await fetch(`${running.url}/a2a/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: {} }),
    });
    expect(response.status).toBe(401);
  });
});
