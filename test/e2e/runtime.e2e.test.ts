/**
 * The whole run-time path on one machine, no cloud. The profile `ares scan --save examples/estate` would store (with
 * the public halves of each function's key, and the SQS sender ids of mallory and V mapped, as an IAM export gives
 * them) is served by `ares serve`; the agents inside the functions fetch their slice of the block table from it and
 * claim root-token nonces through `POST /v1/nonces`; requests enter through the invocation proxy, which forwards
 * through the real `@aws-sdk/client-lambda` to `LambdaDouble` (a stand-in for Lambda's Invoke API); SQS deliveries
 * are built as the event source mapping would (the platform writes `SenderId`); an SNS stand-in on the SDK client
 * delivers each `Publish` to the subscribed function. Every way a requester can arrive is tried as an attacker would.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  importPrivateKey,
  readToken,
  signCallerContext,
} from '../../src/agent/callerContext.js';
import { instrument, withAres, type AresOptions } from '../../src/agent/index.js';
import type { ProfileSnapshot } from '../../src/model/index.js';
import { LambdaDouble, listen, REGION } from '../support/lambdaDouble.js';
import { functionKeyPem, signersOf } from '../agent/support.js';
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
const ORDER_EVENTS = 'arn:aws:sns:us-east-1:123456789012:order-events';
const SENDER = { mallory: 'AIDAMALLORY000000001', V: 'AIDAVVVVVVVV00000001' };

let lambda: LambdaDouble;
let lambdaUrl: string;
let serve: TestServer;
type Wrapped = ((event: unknown, context: unknown) => Promise<unknown>) & {
  ares: { refresh(): Promise<unknown>; tableVersion(): string | undefined };
};
const agents: Record<string, Wrapped> = {};
/** What the SNS stand-in delivered to ledger-writer, last first. */
const ledger: { outcome: 'wrote' | 'blocked'; error?: unknown; event: unknown }[] = [];

function lambdaClient(): LambdaClient {
  return new LambdaClient({ endpoint: lambdaUrl, region: REGION, credentials });
}

function lambdaContext(name: string, clientContext?: unknown) {
  return {
    functionName: name,
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    awsRequestId: 'e2e',
    ...(clientContext !== undefined ? { clientContext } : {}),
  };
}

/** SNS: the topic's subscription invokes ledger-writer with an SNS event carrying the message attributes. */
function snsDelivering(client: SNSClient): SNSClient {
  client.middlewareStack.add(
    () => async (args: { input: Record<string, any> }) => {
      const attributes = Object.fromEntries(
        Object.entries((args.input.MessageAttributes ?? {}) as Record<string, any>).map(([k, v]) => [
          k,
          { Type: v.DataType, Value: v.StringValue },
        ]),
      );
      const event = {
        Records: [
          {
            EventSource: 'aws:sns',
            Sns: {
              TopicArn: args.input.TopicArn,
              Message: args.input.Message,
              MessageAttributes: attributes,
            },
          },
        ],
      };
      await agents['ledger-writer']!(event, lambdaContext('ledger-writer')).then(
        () => ledger.unshift({ outcome: 'wrote', event }),
        (error: unknown) => ledger.unshift({ outcome: 'blocked', error, event }),
      );
      return { output: { $metadata: {}, MessageId: 'm-1' }, response: {} };
    },
    { step: 'serialize', priority: 'high', name: 'snsStandIn' },
  );
  return client;
}

/** An SQS delivery to order-consumer as the event source mapping makes it: the platform writes `SenderId`. */
function sqsEvent(senderId: string, attributes: Record<string, string> = {}) {
  return {
    Records: [
      {
        messageId: 'm',
        body: '{"order":1}',
        attributes: { SenderId: senderId, ApproximateReceiveCount: '1' },
        messageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }]),
        ),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders',
      },
    ],
  };
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

/** A direct Lambda Invoke, as anyone allowed lambda:InvokeFunction makes it, with any ClientContext and payload. */
async function direct(fn: string, payload: unknown = {}, token?: string) {
  const out = await lambdaClient().send(
    new InvokeCommand({
      FunctionName: fn,
      Payload: Buffer.from(JSON.stringify(payload)),
      ...(token !== undefined
        ? { ClientContext: Buffer.from(JSON.stringify({ custom: { ares: token } })).toString('base64') }
        : {}),
    }),
  );
  return {
    functionError: out.FunctionError,
    payload: JSON.parse(Buffer.from(out.Payload ?? []).toString() || 'null'),
  };
}

/** A root token as the invocation proxy mints it for one invocation of `fn`. */
const rootToken = (origin: string, fn: string) =>
  signCallerContext({ origin, chain: [fn], version: 'v' }, serve.keys.privateKey);

function snapshot(): ProfileSnapshot {
  const s = exampleSnapshot();
  s.blockTable.signers = signersOf();
  // An IAM export names the unique ids that SQS writes as SenderId.
  s.blockTable.principalIds[SENDER.mallory] = ids.mallory;
  s.blockTable.principalIds[SENDER.V] = ids.V;
  return s;
}

beforeAll(async () => {
  lambda = new LambdaDouble();
  lambdaUrl = await listen(lambda.server);
  serve = await startTestServer({
    snapshot: snapshot(),
    lambdaEnv: {
      ARES_LAMBDA_ENDPOINT: lambdaUrl,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
  });
  const agentOptions = (functionId: string): AresOptions => ({
    platform: 'aws',
    functionId,
    blockTableUrl: serve.url,
    apiToken: API_TOKEN,
    nonceUrl: serve.url,
    publicKey: serve.keys.publicKey,
    signingKey: functionKeyPem(functionId),
    logger: quiet,
    env: {},
  });
  // order-consumer publishes each order to the order-events topic, to which ledger-writer subscribes.
  const topic = snsDelivering(instrument(new SNSClient({ region: REGION, credentials })));
  agents['order-consumer'] = withAres(async () => {
    await topic.send(new PublishCommand({ TopicArn: ORDER_EVENTS, Message: '{"order":1}' }));
    return { consumer: 'ran', ledger: ledger[0]?.outcome };
  }, agentOptions(ids.orderConsumer)) as Wrapped;
  agents['ledger-writer'] = withAres(async () => 'wrote', agentOptions(ids.ledgerWriter)) as Wrapped;
  agents.X = withAres(async () => 'X ran', agentOptions(ids.X)) as Wrapped;
  for (const [name, handler] of Object.entries(agents)) lambda.functions.set(name, handler);
  for (const handler of Object.values(agents)) await handler.ares.refresh();
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

  it('the event chain mallory → SQS → order-consumer → SNS → ledger-writer is blocked at ledger-writer; V passes', async () => {
    // SQS names mallory (SenderId); order-consumer runs (nothing is blocked there) and vouches for her to the
    // topic with a hop token of its own; ledger-writer refuses the write she is denied.
    await expect(
      agents['order-consumer']!(sqsEvent(SENDER.mallory), lambdaContext('order-consumer')),
    ).resolves.toEqual({ consumer: 'ran', ledger: 'blocked' });
    expect(ledger[0]!.error).toMatchObject({
      name: 'ARESBlocked',
      origin: ids.mallory,
      reason: 'origin-blocked',
    });
    const vouched = (ledger[0]!.event as any).Records[0].Sns.MessageAttributes.ares.Value as string;
    expect(readToken(vouched)?.context).toMatchObject({
      origin: ids.mallory,
      issuer: ids.orderConsumer,
      audience: ORDER_EVENTS,
      parent: '',
    });
    // A legitimate sender, identified the same way, reaches the ledger.
    await expect(
      agents['order-consumer']!(sqsEvent(SENDER.V), lambdaContext('order-consumer')),
    ).resolves.toEqual({ consumer: 'ran', ledger: 'wrote' });
  });

  it('the same chain entered through the invocation proxy: blocked at ledger-writer for mallory, passes for V', async () => {
    const mallory = await viaProxy('order-consumer', { bearer: MALLORY_TOKEN });
    expect(JSON.parse(mallory.body)).toEqual({ consumer: 'ran', ledger: 'blocked' });
    expect(ledger[0]!.error).toMatchObject({ origin: ids.mallory });
    const permitted = await viaProxy('order-consumer', { principal: 'V' });
    expect(JSON.parse(permitted.body)).toEqual({ consumer: 'ran', ledger: 'wrote' });
  });

  it('no context: a direct invoke is refused where a blocked origin can arrive unvouched (X, ledger-writer)', async () => {
    for (const fn of ['X', 'ledger-writer']) {
      const out = await direct(fn);
      expect(out.functionError).toBe('Unhandled');
      expect(out.payload).toMatchObject({ errorType: 'ARESBlocked' });
      expect(out.payload.errorMessage).toContain('unvouched-requester');
    }
  });

  it('tampered: mallory rewrites the origin of her hop token to V, and ledger-writer refuses it', async () => {
    await agents['order-consumer']!(sqsEvent(SENDER.mallory), lambdaContext('order-consumer'));
    const token = (ledger[0]!.event as any).Records[0].Sns.MessageAttributes.ares.Value as string;
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...payload, o: ids.V })).toString('base64url')}.${signature}`;
    const out = await direct('ledger-writer', {}, forged);
    expect(out.payload).toMatchObject({ errorType: 'ARESBlocked' });
    expect(out.payload.errorMessage).toContain('bad-signature');
  });

  it('replayed: a root token is single-use at its entry across instances (the nonce service decides)', async () => {
    const token = rootToken(ids.V, ids.X);
    // Two instances of X: each has its own memory, only ares serve's nonce table is shared.
    const second = withAres(async () => 'X ran', {
      platform: 'aws',
      functionId: ids.X,
      blockTable: serve.profiles.current().snapshot.blockTable,
      nonceUrl: serve.url,
      apiToken: API_TOKEN,
      publicKey: serve.keys.publicKey,
      logger: quiet,
      env: {},
    });
    expect(await direct('X', {}, token)).toEqual({ functionError: undefined, payload: 'X ran' });
    await expect(second({}, lambdaContext('X', { custom: { ares: token } }))).rejects.toMatchObject({
      name: 'ARESBlocked',
      detail: 'caller context replayed',
    });
  });

  it("lifted: another person's context is refused off its hop, and an SQS sender cannot borrow one", async () => {
    await agents['order-consumer']!(sqsEvent(SENDER.V), lambdaContext('order-consumer'));
    const vToken = (ledger[0]!.event as any).Records[0].Sns.MessageAttributes.ares.Value as string;
    // U presents V's hop token (minted for order-consumer → order-events) at X.
    const atX = await direct('X', {}, vToken);
    expect(atX.payload.errorMessage).toContain('unknown-issuer');
    // V's root token for X presented at ledger-writer.
    const atWriter = await direct('ledger-writer', {}, rootToken(ids.V, ids.X));
    expect(atWriter.payload.errorMessage).toContain('wrong-hop');
    // mallory puts V's token in the ares attribute of her own message: SQS still names her as the sender.
    await expect(
      agents['order-consumer']!(sqsEvent(SENDER.mallory, { ares: vToken }), lambdaContext('order-consumer')),
    ).resolves.toEqual({ consumer: 'ran', ledger: 'blocked' });
    expect(ledger[0]!.error).toMatchObject({ origin: ids.mallory });
  });

  it('forged identity in the event: U writes V as the API Gateway identity in a direct invoke of X', async () => {
    const out = await direct('X', { requestContext: { identity: { userArn: ids.V } } });
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload).toMatchObject({ errorType: 'ARESBlocked' });
  });

  it('rejects a forged token: a context signed with another key counts as no requester', async () => {
    const foreign = importPrivateKey(generateKeyPair().privateKeyPem);
    const token = signCallerContext({ origin: ids.V, chain: [ids.X], version: 'v' }, foreign);
    const out = await direct('X', {}, token);
    expect(out.payload).toMatchObject({ errorType: 'ARESBlocked' });
    // The same context signed by the serving key is accepted: the refusal above is the signature's doing.
    expect(await direct('X', {}, rootToken(ids.V, ids.X))).toEqual({
      functionError: undefined,
      payload: 'X ran',
    });
  });

  it('reloads the block table after a new profile version, in the server and in the agents', async () => {
    const before = agents.X!.ares.tableVersion();
    expect(before).toBe(exampleSnapshot().version);
    // A new profile in which U is no longer blocked at X (say U's Deny was lifted and the scan saved again).
    const next: ProfileSnapshot = snapshot();
    next.version = 'v-after-fix';
    for (const fn of Object.values(next.blockTable.functions)) {
      delete fn.blocked[ids.U];
      fn.unvouched = (fn.unvouched ?? []).filter((o) => o !== ids.U);
    }
    next.blockTable.version = next.version;
    serve.writeSnapshot(next);
    expect(serve.profiles.reload()).toMatchObject({ changed: true });
    await agents.X!.ares.refresh();
    expect(agents.X!.ares.tableVersion()).toBe('v-after-fix');
    const now = await viaProxy('X', { principal: 'U' });
    expect(now).toEqual({ status: 200, body: JSON.stringify('X ran') });
  });
});
