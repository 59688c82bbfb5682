/** The wrapper: blocking before the handler, tokens that count for nothing, fail-closed, per-platform answers, isolation. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARESBlocked, AgentConfigError, currentInvocation, withAres } from '../../src/agent/index.js';
import {
  awsOptions,
  captureLogger,
  encodePropagated,
  exampleTable,
  lambdaContext,
  LEDGER_WRITER,
  MALLORY,
  mint,
  ORDER_CONSUMER,
  mintHop,
  PUBLIC_KEY,
  U,
  V,
  X,
} from './support.js';

const viaClientContext = (value: string) => lambdaContext('X', { custom: { ares: value } });

function counting(options: Record<string, unknown> = {}) {
  const calls: unknown[] = [];
  const logger = captureLogger();
  const handler = withAres(
    async (event: unknown) => {
      calls.push(event);
      return 'ran';
    },
    awsOptions({ logger, ...options }),
  );
  return { handler, calls, logger };
}

describe('withAres on AWS Lambda', () => {
  it('blocks U at X with ARESBlocked before the handler runs', async () => {
    const { handler, calls } = counting();
    const error = await handler({}, viaClientContext(mint(U))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ARESBlocked);
    expect(error).toMatchObject({ origin: U, function: X, reason: 'origin-blocked', code: 'ARES_BLOCKED' });
    expect(calls).toEqual([]);
  });

  it('lets V through X', async () => {
    const { handler, calls } = counting();
    await expect(handler({ a: 1 }, viaClientContext(mint(V)))).resolves.toBe('ran');
    expect(calls).toEqual([{ a: 1 }]);
  });

  it('blocks an invocation with no requester at a conduit, not at a holder', async () => {
    // One wrapper serves one function: it resolves its block-table entry once.
    await expect(counting().handler({}, lambdaContext('X'))).rejects.toMatchObject({
      reason: 'unvouched-requester',
    });
    await expect(counting().handler({}, lambdaContext('ledger-writer'))).resolves.toBe('ran');
  });

  it('counts a tampered token as no context, and logs the reason but never the token', async () => {
    const { handler, logger } = counting();
    // U holds a context of her own and rewrites its origin to V, who is not blocked at X.
    const token = mint(U);
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...payload, o: V })).toString('base64url')}.${signature}`;
    await expect(handler({}, viaClientContext(forged))).rejects.toMatchObject({
      origin: undefined,
      reason: 'unvouched-requester',
      detail: 'caller context bad-signature',
    });
    const rejected = logger.lines.find((l) => l.message === 'ares caller context rejected');
    expect(rejected?.fields).toMatchObject({ reason: 'bad-signature', source: 'client-context' });
    expect(JSON.stringify(logger.lines)).not.toContain(signature);
    expect(JSON.stringify(logger.lines)).not.toContain(body);
  });

  it('counts expired and foreign tokens as no context', async () => {
    const { handler } = counting();
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expect(handler({}, viaClientContext(mint(V, { now: past, ttlSeconds: 60 })))).rejects.toMatchObject(
      {
        detail: 'caller context expired',
      },
    );
    await expect(handler({}, viaClientContext(mint(V, { foreign: true })))).rejects.toMatchObject({
      detail: 'caller context bad-signature',
    });
    await expect(handler({}, viaClientContext('not a token'))).rejects.toMatchObject({
      detail: 'caller context malformed',
    });
  });

  it('rejects every token when it has no public key', async () => {
    const { handler } = counting({ publicKey: undefined });
    await expect(handler({}, viaClientContext(mint(V)))).rejects.toMatchObject({
      detail: 'caller context no-public-key',
    });
  });

  it('treats a replayed token (nonce already used to start the function it was minted for) as no context', async () => {
    const { handler } = counting();
    // The invocation proxy mints one token per invocation, its signed chain starting at the entry function.
    const token = mint(V, { chain: [X] });
    await expect(handler({}, viaClientContext(token))).resolves.toBe('ran');
    await expect(handler({}, viaClientContext(encodePropagated(token, ['elsewhere'])))).rejects.toMatchObject(
      {
        reason: 'unvouched-requester',
        detail: 'caller context replayed',
      },
    );
  });

  it('accepts the same hop token again on its hop (fan-out, retries): only root tokens are single-use', async () => {
    const { handler } = counting({ unknownRequester: 'block' });
    const token = mintHop(V, { issuer: X, audience: LEDGER_WRITER });
    const atWriter = lambdaContext('ledger-writer', { custom: { ares: token } });
    await expect(handler({}, atWriter)).resolves.toBe('ran');
    await expect(handler({}, atWriter)).resolves.toBe('ran');
  });

  it('still expires a token it has verified before (the verified-token cache checks expiry on every use)', async () => {
    let nowMs = Date.UTC(2026, 0, 1);
    const { handler } = counting({ now: () => nowMs, unknownRequester: 'block' });
    const token = mintHop(V, { now: Math.floor(nowMs / 1000), ttlSeconds: 60 });
    const atWriter = lambdaContext('ledger-writer', { custom: { ares: token } });
    await expect(handler({}, atWriter)).resolves.toBe('ran');
    nowMs += 10 * 60 * 1000; // ten minutes later: past expiry and the 30 s skew
    await expect(handler({}, atWriter)).rejects.toMatchObject({ reason: 'unknown-requester' });
  });

  it('accepts one token on several records of the same batch', async () => {
    const { handler } = counting();
    const token = mint(V);
    const record = {
      eventSource: 'aws:sqs',
      body: '{}',
      attributes: {},
      messageAttributes: { ares: { stringValue: token } },
    };
    await expect(handler({ Records: [record, record] }, lambdaContext('order-consumer'))).resolves.toBe(
      'ran',
    );
  });

  it('blocks a batch when any record is blocked', async () => {
    const { handler, calls } = counting();
    const rec = (origin: string) => ({
      eventSource: 'aws:sqs',
      body: '{}',
      attributes: {},
      messageAttributes: { ares: { stringValue: mintHop(origin, { issuer: X, audience: LEDGER_WRITER }) } },
    });
    await expect(
      handler({ Records: [rec(V), rec(MALLORY)] }, lambdaContext('ledger-writer')),
    ).rejects.toMatchObject({
      origin: MALLORY,
      function: LEDGER_WRITER,
    });
    expect(calls).toEqual([]);
  });

  it('fails closed when no table can be loaded, and open when told to', async () => {
    const missing = join(tmpdir(), 'ares-no-such-table.json');
    const closed = counting({ blockTable: undefined, blockTableFile: missing });
    await expect(closed.handler({}, viaClientContext(mint(V)))).rejects.toMatchObject({
      reason: 'no-block-table',
    });
    expect(closed.logger.lines.some((l) => l.level === 'error')).toBe(true);
    const open = counting({ blockTable: undefined, blockTableFile: missing, failClosed: false });
    await expect(open.handler({}, viaClientContext(mint(V)))).resolves.toBe('ran');
  });

  it('loads a table from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ares-agent-'));
    const file = join(dir, 'table.json');
    writeFileSync(file, JSON.stringify(exampleTable()));
    const { handler } = counting({ blockTable: undefined, blockTableFile: file });
    await expect(handler({}, viaClientContext(mint(U)))).rejects.toBeInstanceOf(ARESBlocked);
    expect(handler.ares.tableVersion()).toBe('v-hand');
  });

  it('supports callback-style handlers', async () => {
    const handler = withAres(
      (event: { n: number }, _context: unknown, callback: (e: unknown, r?: unknown) => void) =>
        callback(null, event.n + 1),
      awsOptions(),
    );
    expect(handler.length).toBe(3);
    const run = (context: unknown) =>
      new Promise((resolve, reject) =>
        handler({ n: 1 }, context, (e, r) => (e ? reject(e as Error) : resolve(r))),
      );
    await expect(run(viaClientContext(mint(V)))).resolves.toBe(2);
    await expect(run(viaClientContext(mint(U)))).rejects.toBeInstanceOf(ARESBlocked);
  });

  it('rejects an unknown policy at wrap time', () => {
    expect(() => withAres(async () => 1, awsOptions({ unknownRequester: 'maybe' }))).toThrow(
      AgentConfigError,
    );
  });

  it('keeps concurrent invocations apart (AsyncLocalStorage)', async () => {
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    const handler = withAres(async (event: unknown) => {
      const seen: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) {
        seen.push(currentInvocation()?.origin);
        await tick();
      }
      return { who: (event as { who: string }).who, seen };
    }, awsOptions());
    const whos = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? V : MALLORY));
    const results = await Promise.all(
      whos.map((who) =>
        handler(
          { __ares: mint(who, { chain: [ORDER_CONSUMER] }), payload: { who } },
          lambdaContext('order-consumer'),
        ),
      ),
    );
    for (const { who, seen } of results) expect(seen).toEqual([who, who, who, who, who]);
    expect(currentInvocation()).toBeUndefined();
  });
});

describe('withAres on HTTP platforms', () => {
  it('GCP HTTP: answers 403 with the JSON body and does not call the handler', async () => {
    let called = false;
    const handler = withAres(
      (_req: unknown, res: { end(b: string): void }) => {
        called = true;
        res.end('ok');
      },
      {
        platform: 'gcp-http',
        blockTable: exampleTable(),
        publicKey: PUBLIC_KEY,
        functionId: X,
        env: {},
        logger: captureLogger(),
      },
    );
    const res = {
      statusCode: 200,
      headers: {} as Record<string, string>,
      body: '',
      setHeader(n: string, v: string) {
        this.headers[n] = v;
      },
      end(b: string) {
        this.body = b;
      },
    };
    await handler({ headers: { 'x-ares-context': mint(U) } }, res);
    expect(called).toBe(false);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toMatchObject({
      errorType: 'ARESBlocked',
      code: 'ARES_BLOCKED',
      origin: U,
      function: X,
    });
  });

  it('Azure HTTP: returns a 403 response with the JSON body', async () => {
    let called = false;
    const handler = withAres(
      async () => {
        called = true;
        return { status: 200 };
      },
      {
        platform: 'azure',
        blockTable: exampleTable(),
        publicKey: PUBLIC_KEY,
        env: {},
        logger: captureLogger(),
      },
    );
    const request = {
      method: 'POST',
      headers: { get: (n: string) => (n === 'x-ares-context' ? mint(U) : null) },
    };
    const response = await handler(request, { functionName: 'X' });
    expect(called).toBe(false);
    expect(response).toMatchObject({
      status: 403,
      jsonBody: { errorType: 'ARESBlocked', origin: U, reason: 'origin-blocked' },
    });
  });

  it('detects the platform from the environment', async () => {
    const seen: string[] = [];
    const env = { K_SERVICE: 'X' };
    const handler = withAres(
      (_req: unknown, res: { statusCode: number; setHeader(): unknown; end(s: string): void }) => {
        seen.push(currentInvocation()?.functionId ?? '');
        res.end('');
      },
      { blockTable: exampleTable(), publicKey: PUBLIC_KEY, env, logger: captureLogger() },
    );
    expect(handler.ares.platform).toBe('gcp-http');
    await handler(
      { headers: { 'x-ares-context': mint(V) } },
      { statusCode: 200, setHeader: () => 0, end: () => 0 },
    );
    expect(seen).toEqual([X]);
  });
});

describe('single use across instances (a nonce service)', () => {
  const unreachable = {
    claim: () => Promise.reject(new Error('connect ECONNREFUSED')),
  };

  it('refuses a root token the nonce service has seen, even on an instance that has not', async () => {
    const used = new Set<string>();
    const shared = { claim: async (nonce: string) => !used.has(nonce) && !!used.add(nonce) };
    const token = mint(V);
    const first = counting({ nonces: shared });
    const second = counting({ nonces: shared });
    await expect(first.handler({}, viaClientContext(token))).resolves.toBe('ran');
    await expect(second.handler({}, viaClientContext(token))).rejects.toMatchObject({
      reason: 'unvouched-requester',
      detail: 'caller context replayed',
    });
    expect(second.calls).toEqual([]);
  });

  it('fails closed when the nonce service cannot answer (and only trusts the local check when told to)', async () => {
    const closed = counting({ nonces: unreachable });
    await expect(closed.handler({}, viaClientContext(mint(V)))).rejects.toMatchObject({
      detail: 'caller context nonce-service-unreachable',
    });
    const open = counting({ nonces: unreachable, nonceFailClosed: false });
    await expect(open.handler({}, viaClientContext(mint(V)))).resolves.toBe('ran');
  });
});
