/**
 * `ares serve` under hostile clients: unauthenticated bodies are never read, bodies and connections are bounded,
 * every field that reaches a log is checked, malformed input of any kind gets a 4xx (never a 5xx or internal text),
 * and every answered decision is in the audit log.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeLogLine } from '../../src/runtime/inputRules.js';
import { LruCache } from '../../src/runtime/lruCache.js';
import { API_TOKEN, ids, startTestServer, type TestServer } from './serverHarness.js';

interface RawAnswer {
  text: string;
  /** The server closed the connection (not us). */
  closed: boolean;
}

/** Sends raw bytes and collects what comes back until the server closes or `waitMs` passes. */
function raw(url: string, chunks: (string | Buffer)[], waitMs = 2000): Promise<RawAnswer> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), '127.0.0.1');
    let text = '';
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (data) => {
      text += data.toString('latin1');
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

const auth = `Authorization: Bearer ${API_TOKEN}\r\n`;

describe('ares serve transport limits', () => {
  let serve: TestServer;
  beforeAll(async () => {
    serve = await startTestServer({
      limits: {
        maxConnections: 4,
        headersTimeoutMs: 400,
        requestTimeoutMs: 800,
        keepAliveTimeoutMs: 500,
        maxBodyBytes: { decide: 4096 },
      },
    });
  });
  afterAll(() => serve.close());

  it('answers 401 to an unauthenticated request announcing 6 MB without waiting for the body, and closes', async () => {
    const answer = await raw(serve.url, [
      'POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 6291456\r\n\r\n{"function":',
    ]);
    expect(answer.text).toMatch(/^HTTP\/1.1 401 /);
    expect(answer.text.toLowerCase()).toContain('connection: close');
    expect(answer.closed).toBe(true);
  });

  it('answers 413 to an authenticated body announced over the route limit, before reading it', async () => {
    const answer = await raw(serve.url, [
      `POST /v1/decide HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 5000\r\n\r\n`,
    ]);
    expect(answer.text).toMatch(/^HTTP\/1.1 413 /);
    expect(answer.text).toContain('PayloadTooLarge');
    expect(answer.closed).toBe(true);
  });

  it('answers 413 to a chunked body that grows past the route limit', async () => {
    const chunk = 'a'.repeat(3000);
    const size = chunk.length.toString(16);
    const answer = await raw(serve.url, [
      `POST /v1/decide HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n\r\n`,
      `${size}\r\n${chunk}\r\n${size}\r\n${chunk}\r\n`,
    ]);
    expect(answer.text).toMatch(/^HTTP\/1.1 413 /);
  });

  it('cuts a client that sends its headers too slowly (408) and one whose body never ends', async () => {
    const slowHeaders = await raw(serve.url, ['POST /v1/decide HTTP/1.1\r\nHost: x\r\n'], 5000);
    expect(slowHeaders.closed).toBe(true);
    expect(slowHeaders.text).toMatch(/^HTTP\/1.1 408 /);
    const slowBody = await raw(
      serve.url,
      [`POST /v1/decide HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 100\r\n\r\n{"fun`],
      5000,
    );
    expect(slowBody.closed).toBe(true);
  });

  it('refuses a connection over the cap with a 503 naming the limit, and serves again once one closes', async () => {
    const { port } = new URL(serve.url);
    const held: Socket[] = [];
    for (let i = 0; i < 4; i += 1) {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      held.push(socket);
    }
    // Let the server see all four before the fifth arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await raw(serve.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(refused.text).toMatch(/^HTTP\/1.1 503 /);
    expect(refused.text).toContain('TooManyConnections');
    expect(refused.text).toContain('4 connections');
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ok = await serve.get('/healthz');
    expect(ok.status).toBe(200);
  });
});

describe('ares serve input rules', () => {
  let serve: TestServer;
  beforeAll(async () => {
    serve = await startTestServer();
  });
  afterAll(() => serve.close());

  it.each([
    [{ function: 'X'.repeat(513) }, /"function" is longer than 512/],
    [{ function: 'X\nares serve: forged line' }, /"function" must not contain/],
    [{ function: 'X\u202e' }, /"function" must not contain/],
    [{ function: 'X', principal: 'U'.repeat(2049) }, /"principal" is longer than 2048/],
    [{ function: 'X', principal: 'U\r\nforged' }, /"principal" must not contain/],
    [{ function: 'X', principal: 7 }, /"principal" must be a non-empty string/],
    [{ function: 'X', token: 't'.repeat(8193) }, /"token" is longer than 8192/],
    [{ function: 'X', token: 'abc def' }, /"token" must be visible ASCII/],
    [
      { function: 'X', event: { requestContext: { identity: { userArn: 'a\nb' } } } },
      /event identity \(userArn\)/,
    ],
  ])('refuses %j with 400 naming the field', async (body, message) => {
    const before = serve.audit.recent(1000).length;
    const response = await serve.post('/v1/decide', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect(serve.audit.recent(1000)).toHaveLength(before);
  });

  it('decides with a malformed breadcrumb (abc~%) as with no context, audits it, and logs one escaped line', async () => {
    const response = await serve.post('/v1/decide', { function: 'X', token: 'abc~%' });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { decision: string; token: string; requester: string };
    expect(answer).toMatchObject({ decision: 'block', token: 'rejected', requester: 'none' });
    expect(serve.audit.recent(1)[0]).toMatchObject({
      function: ids.X,
      reason: expect.stringContaining('malformed-breadcrumbs'),
    });
    expect(serve.logs.some((l) => l.includes('caller context rejected (malformed-breadcrumbs)'))).toBe(true);
  });

  it('refuses a bad function in the path of /v1/invoke and /v1/block-table with 400', async () => {
    expect((await serve.get(`/v1/block-table/${'f'.repeat(600)}`)).status).toBe(400);
    expect((await serve.get('/v1/block-table/X%0Aforged')).status).toBe(400);
    const invoke = await serve.post(
      '/v1/invoke/X%0D%0Aforged',
      {},
      {
        authorization: `Bearer ${API_TOKEN}`,
        'x-ares-principal': 'U',
      },
    );
    expect(invoke.status).toBe(400);
    const header = await serve.post(
      '/v1/invoke/X',
      {},
      {
        authorization: `Bearer ${API_TOKEN}`,
        'x-ares-principal': 'U'.repeat(3000),
      },
    );
    expect(header.status).toBe(400);
    expect(await header.text()).toContain('x-ares-principal');
  });

  it('escapes controls, separators and bidi overrides in log lines, and cuts long ones', () => {
    expect(escapeLogLine('a\nb\r\u2028c\u202e\\u000a')).toBe('a\\u000ab\\u000d\\u2028c\\u202e\\\\u000a');
    expect(escapeLogLine('x'.repeat(10_000)).length).toBeLessThan(4200);
  });
});

describe('bounded caches', () => {
  it('an LRU cache keeps at most its capacity and drops the least recently used', () => {
    const cache = new LruCache<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i);
    expect(cache.get('a')).toBe(0); // a is now the most recent
    cache.set('d', 3);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(0);
    for (let i = 0; i < 1000; i += 1) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.evicted).toBe(1001);
  });
});

describe('an audit log that cannot be written', () => {
  it('answers 503 AuditUnavailable instead of a decision that is not in the log', async () => {
    const { createAresServer } = await import('../../src/runtime/server.js');
    const { resolveServeConfig } = await import('../../src/runtime/config.js');
    const { createProfileHolder } = await import('../../src/runtime/reload.js');
    const { exampleSnapshot } = await import('./serverHarness.js');
    const snapshot = exampleSnapshot();
    const logs: string[] = [];
    const server = createAresServer({
      config: resolveServeConfig({ apiTokens: [API_TOKEN] }, []),
      profiles: createProfileHolder(
        { name: 'test', poll: () => snapshot, close: () => {} },
        { log: () => {} },
      ),
      audit: { record: () => Promise.reject(new Error('disk I/O error')), recent: () => [], close: () => {} },
      log: (line) => logs.push(line),
    });
    const address = await server.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${address.port}/v1/decide`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}` },
        body: JSON.stringify({ function: 'X', principal: 'U' }),
      });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: string; decision?: string };
      expect(body.error).toBe('AuditUnavailable');
      expect(body.decision).toBeUndefined();
      expect(logs.some((l) => l.includes('audit log write failed'))).toBe(true);
    } finally {
      await server.close(100);
    }
  });
});

describe('serve limits configuration', () => {
  it('takes limits from the config over the defaults and refuses unknown or inconsistent ones by name', async () => {
    const { parseConfigFile, resolveServeConfig, DEFAULT_LIMITS } =
      await import('../../src/runtime/config.js');
    const file = parseConfigFile(
      { apiTokens: ['t'], limits: { maxConnections: 10, maxBodyBytes: { decide: 2048 } } },
      'c.json',
    );
    const config = resolveServeConfig(file, []);
    expect(config.limits).toMatchObject({
      maxConnections: 10,
      headersTimeoutMs: DEFAULT_LIMITS.headersTimeoutMs,
      maxBodyBytes: { decide: 2048, invoke: DEFAULT_LIMITS.maxBodyBytes.invoke },
    });
    expect(() => parseConfigFile({ limits: { maxConections: 1 } }, 'c.json')).toThrow(
      /limits\.maxConections/,
    );
    expect(() => parseConfigFile({ limits: { maxBodyBytes: { decide: -1 } } }, 'c.json')).toThrow(
      /limits\.maxBodyBytes\.decide must be a positive integer/,
    );
    expect(() => parseConfigFile({ reasoningCacheSize: 0 }, 'c.json')).toThrow(/reasoningCacheSize/);
    expect(() =>
      resolveServeConfig(
        parseConfigFile(
          { apiTokens: ['t'], limits: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } },
          'c.json',
        ),
        [],
      ),
    ).toThrow(/headersTimeoutMs must not exceed/);
  });

  it('reads --max-connections as a whole number of 1 or more', async () => {
    const { parseServeArgs } = await import('../../src/cli/commands/serve.js');
    expect(parseServeArgs(['--max-connections', '64'])).toMatchObject({ maxConnections: 64 });
    expect(() => parseServeArgs(['--max-connections', '0'])).toThrow(/--max-connections/);
    expect(() => parseServeArgs(['--max-connections', 'lots'])).toThrow(/--max-connections/);
  });
});
