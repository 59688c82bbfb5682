/**
 * The whole run-time path on one machine, no cloud. The profile `ares scan --save examples/estate` would store is
 * served by `ares serve`; the agents inside the functions fetch their slice of the block table from it; requests enter
 * through the invocation proxy, which decides and forwards with a freshly signed caller context through the real
 * `@aws-sdk/client-lambda` to `LambdaDouble`, a test double that stands in for AWS Lambda's Invoke API; a function
 * calls the next one with an instrumented Lambda client; a new profile version reaches the agents.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, importPrivateKey, signCallerContext } from '../../src/agent/callerContext.js';
import { instrument, withAres } from '../../src/agent/index.js';
import type { ProfileSnapshot } from '../../src/model/index.js';
import { LambdaDouble, listen, REGION } from '../support/lambdaDouble.js';
import {
  API_TOKEN,
  exampleSnapshot,
  ids,
  MALLORY_TOKEN,
  startTestServer,
  type TestServer,
} from '../runtime/serverHarness.js';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

let lambda: LambdaDouble;
let lambdaUrl: string;
let serve: TestServer;
type Wrapped = ReturnType<typeof withAres> & {
  ares: { refresh(): Promise<unknown>; tableVersion(): string | undefined };
};
const agents: Record<string, Wrapped> = {};

function lambdaClient(): LambdaClient {
  return new LambdaClient({ endpoint: lambdaUrl, region: REGION, credentials });
}

/** The proxy's answer for `function`, for the requester the trusted identity header names. */
async function viaProxy(
  fn: string,
  requester: { principal?: string; bearer?: string },
  payload: unknown = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${requester.bearer ?? API_TOKEN}`,
  };
  if (requester.principal) headers['x-ares-principal'] = requester.principal;
  const response = await fetch(`${serve.url}/v1/invoke/${fn}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  lambda = new LambdaDouble();
  lambdaUrl = await listen(lambda.server);
  serve = await startTestServer({
    lambdaEnv: {
      ARES_LAMBDA_ENDPOINT: lambdaUrl,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
  });
  const agentOptions = (functionId: string) => ({
    platform: 'aws' as const,
    functionId,
    blockTableUrl: serve.url,
    apiToken: API_TOKEN,
    publicKey: serve.keys.publicKey,
    logger: quiet,
    env: {},
  });
  // order-consumer passes the request on to ledger-writer with an instrumented Lambda client, so the caller context
  // travels with the call (in the real estate the hop goes through an SNS topic).
  const next = instrument(lambdaClient());
  agents['order-consumer'] = withAres(async (event: unknown) => {
    const out = await next.send(
      new InvokeCommand({ FunctionName: 'ledger-writer', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    return {
      consumer: 'ran',
      ledger: out.FunctionError ? JSON.parse(Buffer.from(out.Payload ?? []).toString()) : 'wrote',
    };
  }, agentOptions(ids.orderConsumer)) as Wrapped;
  agents['ledger-writer'] = withAres(async () => 'wrote', agentOptions(ids.ledgerWriter)) as Wrapped;
  agents.X = withAres(async () => 'X ran', agentOptions(ids.X)) as Wrapped;
  for (const [name, handler] of Object.entries(agents)) {
    lambda.functions.set(name, handler as (event: unknown, context: unknown) => Promise<unknown>);
  }
});

afterAll(async () => {
  await serve.close();
  await new Promise((resolve) => lambda.server.close(resolve));
});

describe('run-time blocking, end to end through ares serve', () => {
  it('blocks user U at function X with ARESBlocked and lets user V through', async () => {
    const blocked = await viaProxy('X', { principal: 'U' });
    expect(blocked.status).toBe(403);
    expect(JSON.parse(blocked.body)).toMatchObject({
      error: 'ARESBlocked',
      code: 'ARES_BLOCKED',
      origin: ids.U,
    });
    const allowed = await viaProxy('X', { principal: 'V' });
    expect(allowed).toEqual({ status: 200, body: JSON.stringify('X ran') });
  });

  it('blocks a multi-hop chain at the hop that would do the harm, while a permitted chain passes', async () => {
    // mallory (mapped from her bearer token) may start order-consumer, but ledger-writer would write the ledger
    // she is denied: the agent at ledger-writer refuses, on the origin carried in the signed context.
    const mallory = await viaProxy('order-consumer', { bearer: MALLORY_TOKEN });
    expect(mallory.status).toBe(200);
    const malloryBody = JSON.parse(mallory.body);
    expect(malloryBody.consumer).toBe('ran');
    expect(malloryBody.ledger).toMatchObject({ errorType: 'ARESBlocked' });
    const permitted = await viaProxy('order-consumer', { principal: 'V' });
    expect(JSON.parse(permitted.body)).toEqual({ consumer: 'ran', ledger: 'wrote' });
  });

  it('propagates through an SDK client the handler never instrumented (importing the agent patched the SDK)', async () => {
    // A plain client, as user code creates it: no instrument() call.
    const plain = new LambdaClient({ endpoint: lambdaUrl, region: REGION, credentials });
    lambda.functions.set(
      'plain-consumer',
      withAres(
        async (event: unknown) => {
          const out = await plain.send(
            new InvokeCommand({ FunctionName: 'ledger-writer', Payload: Buffer.from(JSON.stringify(event)) }),
          );
          return out.FunctionError ? 'refused downstream' : 'wrote downstream';
        },
        {
          platform: 'aws',
          functionId: ids.orderConsumer,
          blockTable: serve.profiles.current().snapshot.blockTable,
          publicKey: serve.keys.publicKey,
          logger: quiet,
          env: {},
        },
      ) as (event: unknown, context: unknown) => Promise<unknown>,
    );
    const ctx = (origin: string) =>
      Buffer.from(
        JSON.stringify({
          custom: {
            ares: signCallerContext(
              { origin, chain: [ids.orderConsumer], version: 'v' },
              serve.keys.privateKey,
            ),
          },
        }),
      ).toString('base64');
    const call = async (origin: string) => {
      const out = await lambdaClient().send(
        new InvokeCommand({
          FunctionName: 'plain-consumer',
          Payload: Buffer.from('{}'),
          ClientContext: ctx(origin),
        }),
      );
      return JSON.parse(Buffer.from(out.Payload ?? []).toString());
    };
    expect(await call(ids.mallory)).toBe('refused downstream');
    expect(await call(ids.V)).toBe('wrote downstream');
  });

  it('blocks a direct invoke with no requester at a conduit, and allows it elsewhere', async () => {
    const direct = await lambdaClient().send(
      new InvokeCommand({ FunctionName: 'X', Payload: Buffer.from('{}') }),
    );
    expect(direct.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(direct.Payload ?? []).toString())).toMatchObject({
      errorType: 'ARESBlocked',
    });
    const notConduit = await lambdaClient().send(
      new InvokeCommand({ FunctionName: 'ledger-writer', Payload: Buffer.from('{}') }),
    );
    expect(notConduit.FunctionError).toBeUndefined();
  });

  it('rejects a forged token: a context signed with another key counts as no requester', async () => {
    // A well-formed context naming V (who may invoke X), signed by a key ares serve did not issue.
    const foreign = importPrivateKey(generateKeyPair().privateKeyPem);
    const token = signCallerContext({ origin: ids.V, chain: [ids.X], version: 'v' }, foreign);
    const forged = Buffer.from(JSON.stringify({ custom: { ares: token } })).toString('base64');
    const out = await lambdaClient().send(
      new InvokeCommand({ FunctionName: 'X', Payload: Buffer.from('{}'), ClientContext: forged }),
    );
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toMatchObject({ errorType: 'ARESBlocked' });
    // The same context signed by the serving key is accepted: the refusal above is the signature's doing.
    const genuine = signCallerContext({ origin: ids.V, chain: [ids.X], version: 'v' }, serve.keys.privateKey);
    const ok = await lambdaClient().send(
      new InvokeCommand({
        FunctionName: 'X',
        Payload: Buffer.from('{}'),
        ClientContext: Buffer.from(JSON.stringify({ custom: { ares: genuine } })).toString('base64'),
      }),
    );
    expect(ok.FunctionError).toBeUndefined();
  });

  it('reloads the block table after a new profile version, in the server and in the agents', async () => {
    const before = agents.X!.ares.tableVersion();
    expect(before).toBe(exampleSnapshot().version);
    // A new profile in which U is no longer blocked at X (say U's Deny was lifted and the scan saved again).
    const next: ProfileSnapshot = exampleSnapshot();
    next.version = 'v-after-fix';
    for (const fn of Object.values(next.blockTable.functions)) delete fn.blocked[ids.U];
    next.blockTable.version = next.version;
    serve.writeSnapshot(next);
    expect(serve.profiles.reload()).toMatchObject({ changed: true });
    await agents.X!.ares.refresh();
    expect(agents.X!.ares.tableVersion()).toBe('v-after-fix');
    const now = await viaProxy('X', { principal: 'U' });
    expect(now).toEqual({ status: 200, body: JSON.stringify('X ran') });
  });
});
