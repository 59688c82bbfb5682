/**
 * The block table from `ares serve`: fetched at cold start with the Bearer token, refreshed in the background by
 * ETag. A tiny local node:http server plays `GET /v1/block-table/{function}`; refreshes are driven by an injected
 * clock and explicit `refresh()` calls, never by waiting.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ARESBlocked, withAres } from '../../src/agent/index.js';
import { captureLogger, exampleTable, lambdaContext, mint, PUBLIC_KEY, U, V, X } from './support.js';

interface Served {
  version: string;
  blockU: boolean;
}

const TOKEN = 'secret-token';

function slice(served: Served) {
  const fn = exampleTable().functions[X]!;
  return {
    version: served.version,
    function: served.blockU ? fn : { ...fn, blocked: {} },
    principalIds: served.blockU ? { U, [U]: U } : {},
  };
}

async function startServer(served: Served) {
  const requests: { url: string; ifNoneMatch: string | undefined; status: number }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const record = (status: number) =>
      requests.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'], status });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      record(401);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Unauthorized"}');
      return;
    }
    if (req.url !== '/v1/block-table/X') {
      record(404);
      res.writeHead(404).end('{}');
      return;
    }
    const etag = `"${served.version}"`;
    if (req.headers['if-none-match'] === etag) {
      record(304);
      res.writeHead(304, { etag }).end();
      return;
    }
    record(200);
    res.writeHead(200, { etag, 'content-type': 'application/json' }).end(JSON.stringify(slice(served)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, requests };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function wrap(url: string, clock: { t: number }, extra: Record<string, unknown> = {}) {
  return withAres(async () => 'ran', {
    platform: 'aws',
    blockTableUrl: url,
    apiToken: TOKEN,
    publicKey: PUBLIC_KEY,
    refreshSeconds: 60,
    now: () => clock.t,
    env: { AWS_LAMBDA_FUNCTION_NAME: 'X' },
    logger: captureLogger(),
    ...extra,
  });
}

const invoke = (handler: ReturnType<typeof wrap>, origin: string) =>
  handler({}, lambdaContext('X', { custom: { ares: mint(origin) } })).then(
    () => 'allowed',
    (e: unknown) => (e instanceof ARESBlocked ? e.reason : e),
  );

describe('block table from ares serve', () => {
  it('fetches at cold start with the Bearer token, then refreshes by ETag', async () => {
    const served = { version: 'v1', blockU: true };
    const { server, url, requests } = await startServer(served);
    servers.push(server);
    const clock = { t: Date.now() };
    const handler = wrap(url, clock);
    expect(await invoke(handler, U)).toBe('origin-blocked');
    expect(await invoke(handler, V)).toBe('allowed');
    expect(handler.ares.tableVersion()).toBe('v1');
    expect(requests).toEqual([{ url: '/v1/block-table/X', ifNoneMatch: undefined, status: 200 }]);

    await expect(handler.ares.refresh()).resolves.toBe('not-modified');
    expect(requests[1]).toMatchObject({ ifNoneMatch: '"v1"', status: 304 });

    served.version = 'v2';
    served.blockU = false;
    await expect(handler.ares.refresh()).resolves.toBe('updated');
    expect(handler.ares.tableVersion()).toBe('v2');
    expect(await invoke(handler, U)).toBe('allowed');
  });

  it('refreshes in the background only when the table is older than refreshSeconds', async () => {
    const served = { version: 'v1', blockU: true };
    const { server, url, requests } = await startServer(served);
    servers.push(server);
    const clock = { t: Date.now() };
    const handler = wrap(url, clock);
    await invoke(handler, V);
    expect(requests).toHaveLength(1);

    clock.t += 59_000;
    await invoke(handler, V);
    expect(requests).toHaveLength(1);

    served.version = 'v2';
    served.blockU = false;
    clock.t += 2_000;
    // This invocation is decided on the old table; it only starts the refresh, which `refresh()` then joins.
    expect(await invoke(handler, U)).toBe('origin-blocked');
    await handler.ares.refresh();
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({ ifNoneMatch: '"v1"', status: 200 });
    expect(await invoke(handler, U)).toBe('allowed');
  });

  it('fails closed when the first fetch fails, and recovers on a later refresh', async () => {
    const { server, url } = await startServer({ version: 'v1', blockU: true });
    servers.push(server);
    const clock = { t: Date.now() };
    const wrongToken = wrap(url, clock, { apiToken: 'wrong' });
    expect(await invoke(wrongToken, V)).toBe('no-block-table');

    const handler = wrap(url, clock, { fetch: () => Promise.reject(new Error('connection refused')) });
    expect(await invoke(handler, V)).toBe('no-block-table');
    const recovering = wrap(url, clock);
    await expect(recovering.ares.refresh()).resolves.toBe('updated');
    expect(await invoke(recovering, V)).toBe('allowed');
  });

  it('keeps the table it had when a refresh fails', async () => {
    const served = { version: 'v1', blockU: true };
    const { server, url } = await startServer(served);
    servers.push(server);
    const clock = { t: Date.now() };
    const handler = wrap(url, clock);
    expect(await invoke(handler, U)).toBe('origin-blocked');
    await new Promise((resolve) => server.close(resolve));
    await expect(handler.ares.refresh()).resolves.toBe('failed');
    expect(handler.ares.tableVersion()).toBe('v1');
    expect(await invoke(handler, U)).toBe('origin-blocked');
  });
});

describe('fail closed means closed: any answer but a valid block table is no table', () => {
  /** A server that answers every request with `status` and `body`, whatever the path. */
  async function answering(status: number, body: string) {
    const server = createServer((_req, res) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(body),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const cases: [string, number, string][] = [
    ['404 (a path prefix, a misspelt function id, any web server)', 404, '{"error":"UnknownFunction"}'],
    ['500', 500, '{"error":"InternalError"}'],
    ['503', 503, ''],
    ['unparsable JSON', 200, '{"version": "v1", "function": '],
    ['an HTML page', 200, '<html>hello</html>'],
    ['a table with no version', 200, JSON.stringify({ functions: {}, principalIds: {} })],
    ['a wrong version field', 200, JSON.stringify({ version: 7, function: exampleTable().functions[X] })],
    [
      'a table that does not list this function',
      200,
      JSON.stringify({ version: 'v1', functions: {}, functionIds: {}, principalIds: {} }),
    ],
  ];
  for (const [name, status, body] of cases) {
    it(`${name}: U is still blocked at X, and so is everyone (the agent has nothing to go on)`, async () => {
      const url = await answering(status, body);
      const handler = wrap(url, { t: Date.now() });
      expect(await invoke(handler, U)).toBe('no-block-table');
      expect(await invoke(handler, V)).toBe('no-block-table');
    });
  }

  it('a table from a file that does not list this function blocks too', async () => {
    const table = exampleTable();
    delete table.functions[X];
    const handler = withAres(async () => 'ran', {
      platform: 'aws',
      blockTable: table,
      publicKey: PUBLIC_KEY,
      env: {},
      logger: captureLogger(),
    });
    await expect(handler({}, lambdaContext('X', { custom: { ares: mint(V) } }))).rejects.toMatchObject({
      reason: 'no-block-table',
    });
  });
});
