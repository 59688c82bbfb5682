/**
 * The invocation proxy of `ares serve`: an allowed invocation reaches the function with a freshly signed caller
 * context naming the origin; a blocked one gets 403 ARESBlocked. Two local stand-ins play the functions: a plain
 * HTTP function, and a test double of the AWS Lambda Invoke REST API (`POST /2015-03-31/functions/{name}/invocations`)
 * that the real `@aws-sdk/client-lambda` talks to with fake credentials: it stands in for AWS, nothing leaves the host.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePropagated, verifyCallerContext } from '../../src/agent/callerContext.js';
import { ids, MALLORY_TOKEN, startTestServer, type TestServer } from './serverHarness.js';

interface Captured {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function startDouble(
  answer: (captured: Captured) => { status: number; headers?: Record<string, string>; body: string },
): Promise<{ url: string; requests: Captured[]; server: Server }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(captured);
      const reply = answer(captured);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

let t: TestServer;
let httpFunction: Awaited<ReturnType<typeof startDouble>>;
let lambda: Awaited<ReturnType<typeof startDouble>>;

beforeAll(async () => {
  httpFunction = await startDouble((c) => ({
    status: 201,
    body: JSON.stringify({ echoed: JSON.parse(c.body) }),
  }));
  lambda = await startDouble((c) =>
    c.body.includes('"fail"')
      ? { status: 200, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorType":"Error"}' }
      : { status: 200, body: JSON.stringify({ fromLambda: true }) },
  );
  t = await startTestServer({
    functions: { 'order-consumer': { url: `${httpFunction.url}/order-consumer` } },
    lambdaEnv: {
      ARES_LAMBDA_ENDPOINT: lambda.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDFAKEFORTESTS',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
    },
  });
});

afterAll(async () => {
  await t.close();
  httpFunction.server.close();
  lambda.server.close();
});

function verified(value: string | undefined): { origin: string; chain: string[]; version: string } {
  const result = verifyCallerContext(decodePropagated(value ?? '').token, t.keys.publicKey);
  if (!result.valid) throw new Error(`forwarded context does not verify: ${result.reason}`);
  return result.context;
}

describe('POST /v1/invoke/{function}', () => {
  it('forwards to an HTTP function with a signed context naming the origin', async () => {
    const response = await t.post(
      '/v1/invoke/order-consumer',
      { order: 42 },
      { authorization: `Bearer ${MALLORY_TOKEN}` },
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ echoed: { order: 42 } });
    const forwarded = httpFunction.requests.at(-1)!;
    expect(forwarded.path).toBe('/order-consumer');
    expect(forwarded.headers.authorization).toBeUndefined();
    const context = verified(forwarded.headers['x-ares-context'] as string);
    expect(context).toMatchObject({
      origin: ids.mallory,
      chain: [ids.orderConsumer],
      version: t.profiles.current().version,
    });
  });

  it('forwards to Lambda through the SDK with ClientContext.custom.ares', async () => {
    const response = await t.post(
      '/v1/invoke/X',
      { hello: 'x' },
      {
        authorization: `Bearer test-api-token-0123456789`,
        'x-ares-principal': 'V',
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ fromLambda: true });
    const invoked = lambda.requests.at(-1)!;
    expect(decodeURIComponent(invoked.path)).toBe(`/2015-03-31/functions/${ids.X}/invocations`);
    expect(invoked.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKEFORTESTS\//);
    expect(JSON.parse(invoked.body)).toEqual({ hello: 'x' });
    const clientContext = JSON.parse(
      Buffer.from(invoked.headers['x-amz-client-context'] as string, 'base64').toString(),
    ) as { custom: { ares: string } };
    expect(verified(clientContext.custom.ares)).toMatchObject({ origin: ids.V, chain: [ids.X] });
  });

  it("reports a Lambda function's own failure as 502 with its error body", async () => {
    const response = await t.post(
      '/v1/invoke/X',
      { fail: true },
      {
        authorization: `Bearer test-api-token-0123456789`,
        'x-ares-principal': 'V',
      },
    );
    expect(response.status).toBe(502);
    expect(response.headers.get('x-ares-function-error')).toBe('Unhandled');
    expect(await response.json()).toEqual({ errorType: 'Error' });
  });

  it('answers 403 ARESBlocked and forwards nothing when blocked', async () => {
    const before = lambda.requests.length;
    const response = await t.post(
      '/v1/invoke/X',
      { hello: 'x' },
      {
        authorization: `Bearer test-api-token-0123456789`,
        'x-ares-principal': `arn:aws:iam::123456789012:user/U`,
      },
    );
    expect(response.status).toBe(403);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({
      error: 'ARESBlocked',
      code: 'ARES_BLOCKED',
      origin: ids.U,
      function: ids.X,
    });
    expect(body.reason).toContain('DB-1');
    expect(lambda.requests.length).toBe(before);
    expect(t.audit.recent(1)[0]).toMatchObject({ route: 'invoke', decision: 'block', origin: ids.U });
  });

  it('takes a mapped token as its principal and ignores the identity header then', async () => {
    const response = await t.post(
      '/v1/invoke/ledger-writer',
      {},
      {
        authorization: `Bearer ${MALLORY_TOKEN}`,
        'x-ares-principal': 'V',
      },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ origin: ids.mallory, function: ids.ledgerWriter });
  });

  it('answers 401 NoRequester when neither a mapped token nor the identity header names one', async () => {
    const response = await t.post('/v1/invoke/X', {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'ARES_NO_REQUESTER' });
  });
});
