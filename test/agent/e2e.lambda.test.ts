/**
 * End to end on one machine, no cloud. `LambdaDouble` is a test double for AWS Lambda: a local HTTP server that
 * speaks the Lambda Invoke REST API (`POST /2015-03-31/functions/{name}/invocations`, reading `X-Amz-Client-Context`
 * and `X-Amz-Invocation-Type`), runs the wrapped handler registered under that name with a Lambda-shaped context, and
 * answers with the result or, like Lambda, 200 with `X-Amz-Function-Error: Unhandled` and `{"errorType", ...}`.
 * `SqsDouble` is a test double for SQS: it accepts the real client's JSON-protocol `SendMessage`
 * (`X-Amz-Target: AmazonSQS.SendMessage`), records the message attributes, and delivers an SQS-shaped event to the
 * consumer's wrapped handler. Both are called by the real AWS SDK v3 clients with fake credentials.
 *
 * The block table is compiled from the bundled example (examples/estate): U blocked at X; mallory blocked at
 * ledger-writer; X and order-consumer conduits.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/cli/commands/scan.js';
import { compileBlockTable } from '../../src/profile/index.js';
import type { BlockTable } from '../../src/model/blockTable.js';
import { instrument, withAres, type AresOptions } from '../../src/agent/index.js';
import { LambdaDouble, listen, readBody } from '../support/lambdaDouble.js';
import { readToken } from '../../src/agent/callerContext.js';
import {
  ACCOUNT,
  captureLogger,
  fnArn,
  functionKeyPem,
  MALLORY,
  mint,
  PUBLIC_KEY,
  REGION,
  signersOf,
  U,
  V,
  X,
} from './support.js';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

function exampleBlockTable(): BlockTable {
  const scan = scanPaths(['examples/estate'], {
    account: ACCOUNT,
    region: REGION,
    params: {},
    includeImplicit: false,
  });
  const table = compileBlockTable(
    scan.paths,
    scan.report.findings,
    scan.authorizer,
    scan.estate,
    'v-example',
    '2026-01-01T00:00:00Z',
    { profile: scan.profile, signers: signersOf() },
  );
  // This scenario's X also invokes ledger-writer and sends to a queue that triggers it (edges the bundled estate
  // does not have): the profile would list X upstream of ledger-writer for both.
  table.functions[fnArn('ledger-writer')]!.upstream![X] = [
    fnArn('ledger-writer'),
    `arn:aws:sqs:${REGION}:${ACCOUNT}:ledger-queue`,
  ];
  return table;
}

/** A test double for SQS (JSON protocol): records SendMessage, delivers SQS events to a consumer. */
class SqsDouble {
  readonly messages = new Map<
    string,
    { body: string; attributes: Record<string, { DataType: string; StringValue?: string }>; sender: string }[]
  >();
  /** Who the double says sent the next messages (`SenderId`). */
  sender = 'AIDAEXAMPLEUSER';
  readonly server = createServer((req, res) => {
    void (async () => {
      const target = req.headers['x-amz-target'];
      const input = JSON.parse(await readBody(req)) as {
        QueueUrl: string;
        MessageBody: string;
        MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
      };
      if (target !== 'AmazonSQS.SendMessage') {
        res
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
          .end('{"__type":"InvalidAction"}');
        return;
      }
      const queue = input.QueueUrl.split('/').pop()!;
      const list = this.messages.get(queue) ?? [];
      list.push({ body: input.MessageBody, attributes: input.MessageAttributes ?? {}, sender: this.sender });
      this.messages.set(queue, list);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(
        JSON.stringify({
          MessageId: randomUUID(),
          MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex'),
        }),
      );
    })();
  });

  /** Takes the queue's messages as one SQS event, as the event source mapping would deliver them. */
  event(queue: string) {
    const messages = this.messages.get(queue) ?? [];
    this.messages.delete(queue);
    return {
      Records: messages.map((m) => ({
        messageId: randomUUID(),
        receiptHandle: 'r',
        body: m.body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: m.sender,
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: Object.fromEntries(
          Object.entries(m.attributes).map(([k, v]) => [
            k,
            { stringValue: v.StringValue, stringListValues: [], binaryListValues: [], dataType: v.DataType },
          ]),
        ),
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
        awsRegion: REGION,
      })),
    };
  }
}

const lambda = new LambdaDouble();
const sqs = new SqsDouble();
let lambdaUrl = '';
let sqsUrl = '';

beforeAll(async () => {
  lambdaUrl = await listen(lambda.server);
  sqsUrl = await listen(sqs.server);
  const table = exampleBlockTable();
  const base: AresOptions = {
    platform: 'aws',
    blockTable: table,
    publicKey: PUBLIC_KEY,
    env: {},
    logger: captureLogger(),
  };
  // Each function's agent holds its own signing key (ares keys --functions).
  const options = (name: string): AresOptions => ({ ...base, signingKey: functionKeyPem(fnArn(name)) });
  // Clients the functions use, instrumented: they carry the caller context to the next hop.
  const lambdaClient = instrument(new LambdaClient({ region: REGION, endpoint: lambdaUrl, credentials }));
  const sqsClient = instrument(new SQSClient({ region: REGION, endpoint: sqsUrl, credentials }));

  // X: for {next: 'ledger-writer'} it invokes the next function; for {queue} it sends a message.
  lambda.functions.set(
    'X',
    withAres(async (event: unknown) => {
      const { next, queue, async } = event as { next?: string; queue?: string; async?: boolean };
      if (queue) {
        await sqsClient.send(
          new SendMessageCommand({ QueueUrl: `${sqsUrl}/${ACCOUNT}/${queue}`, MessageBody: '{"order":1}' }),
        );
        return { sent: queue };
      }
      if (!next) return { x: 'done' };
      const out = await lambdaClient.send(
        new InvokeCommand({
          FunctionName: next,
          InvocationType: async ? 'Event' : 'RequestResponse',
          Payload: new TextEncoder().encode('{"amount":5}'),
        }),
      );
      const payload = out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload)) : null;
      return {
        x: 'done',
        next: { status: out.StatusCode, functionError: out.FunctionError ?? null, payload },
      };
    }, options('X')),
  );
  lambda.functions.set(
    'ledger-writer',
    withAres(async (event: unknown) => {
      return { wrote: event };
    }, options('ledger-writer')),
  );
  lambda.functions.set(
    'order-consumer',
    withAres(async () => {
      return 'consumed';
    }, options('order-consumer')),
  );
});

afterAll(async () => {
  await Promise.all([lambda.server, sqs.server].map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The caller outside every function (as `ares serve`'s invocation proxy would): a plain, uninstrumented client. */
function caller() {
  return new LambdaClient({ region: REGION, endpoint: lambdaUrl, credentials });
}

async function invoke(fn: string, payload: unknown, origin?: string) {
  const clientContext =
    origin === undefined
      ? undefined
      : Buffer.from(JSON.stringify({ custom: { ares: mint(origin, { chain: [fnArn(fn)] }) } })).toString(
          'base64',
        );
  const out = await caller().send(
    new InvokeCommand({
      FunctionName: fn,
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
      ...(clientContext !== undefined ? { ClientContext: clientContext } : {}),
    }),
  );
  return {
    functionError: out.FunctionError,
    payload: out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload)) : undefined,
  };
}

describe('end to end through a Lambda Invoke API double and the real @aws-sdk/client-lambda', () => {
  it('compiles the bundled example to the table the scenario expects', () => {
    const table = exampleBlockTable();
    expect(Object.keys(table.functions[X]!.blocked)).toEqual([U]);
    expect(table.functions[X]!.conduit).toBe(true);
    expect(Object.keys(table.functions[fnArn('ledger-writer')]!.blocked)).toEqual([MALLORY]);
    expect(table.functions[fnArn('order-consumer')]!.conduit).toBe(true);
  });

  it('blocks U at X with ARESBlocked (Unhandled), and lets V through', async () => {
    const blocked = await invoke('X', {}, U);
    expect(blocked.functionError).toBe('Unhandled');
    expect(blocked.payload).toEqual({
      errorType: 'ARESBlocked',
      errorMessage: `ares blocked ${U} at ${X}: origin-blocked`,
      trace: [],
    });
    const allowed = await invoke('X', {}, V);
    expect(allowed).toEqual({ functionError: undefined, payload: { x: 'done' } });
  });

  it('blocks a direct invoke with no requester at a conduit', async () => {
    const out = await invoke('X', {});
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload).toMatchObject({
      errorType: 'ARESBlocked',
      errorMessage: `ares blocked an unknown requester at ${X}: unvouched-requester`,
    });
  });

  it('chain X → ledger-writer: the context travels in ClientContext and the second hop decides', async () => {
    const permitted = await invoke('X', { next: 'ledger-writer' }, V);
    expect(permitted.payload).toEqual({
      x: 'done',
      next: { status: 200, functionError: null, payload: { wrote: { amount: 5 } } },
    });
    // mallory may enter X (not blocked there), but is blocked at the hop that would write the ledger.
    const multiHop = await invoke('X', { next: 'ledger-writer' }, MALLORY);
    expect(multiHop.functionError).toBeUndefined();
    expect(multiHop.payload.next).toMatchObject({
      functionError: 'Unhandled',
      payload: {
        errorType: 'ARESBlocked',
        errorMessage: `ares blocked ${MALLORY} at ${fnArn('ledger-writer')}: origin-blocked`,
      },
    });
    // U never gets past the first hop.
    expect((await invoke('X', { next: 'ledger-writer' }, U)).payload).toMatchObject({
      errorMessage: `ares blocked ${U} at ${X}: origin-blocked`,
    });
  });

  it('async invoke (Event): the context rides in the payload envelope, which the next hop strips', async () => {
    lambda.background.length = 0;
    await invoke('X', { next: 'ledger-writer', async: true }, V);
    await invoke('X', { next: 'ledger-writer', async: true }, MALLORY);
    const [v, mallory] = await Promise.all(lambda.background);
    expect(v).toEqual({ wrote: { amount: 5 } });
    expect(mallory).toMatchObject({ name: 'ARESBlocked', origin: MALLORY, reason: 'origin-blocked' });
  });
});

describe('end to end through an SQS double and the real @aws-sdk/client-sqs', () => {
  it('carries the ares message attribute from X to the consumer, which decides on the origin', async () => {
    sqs.sender = `AROAFUNCTIONXROLE:X`;
    await invoke('X', { queue: 'ledger-queue' }, V);
    await invoke('X', { queue: 'ledger-queue' }, MALLORY);
    const event = sqs.event('ledger-queue');
    expect(event.Records).toHaveLength(2);
    // Each message carries X's hop token for the queue, not the token X was started with.
    for (const r of event.Records)
      expect(readToken(r.messageAttributes.ares?.stringValue)?.context).toMatchObject({
        issuer: X,
        audience: `arn:aws:sqs:${REGION}:${ACCOUNT}:ledger-queue`,
      });

    const writer = lambda.functions.get('ledger-writer')!;
    const context = { functionName: 'ledger-writer', invokedFunctionArn: fnArn('ledger-writer') };
    await expect(writer({ Records: [event.Records[0]] }, context)).resolves.toMatchObject({
      wrote: { Records: [{ body: '{"order":1}' }] },
    });
    await expect(writer({ Records: [event.Records[1]] }, context)).rejects.toMatchObject({
      name: 'ARESBlocked',
      origin: MALLORY,
      reason: 'origin-blocked',
    });
  });

  it('lets a message from an unknown sender through order-consumer, vouched for by nobody: ledger-writer refuses what follows', async () => {
    const client = new SQSClient({ region: REGION, endpoint: sqsUrl, credentials });
    sqs.sender = 'AIDAMALLORYEXAMPLE';
    await client.send(
      new SendMessageCommand({ QueueUrl: `${sqsUrl}/${ACCOUNT}/orders`, MessageBody: '{"order":666}' }),
    );
    const consumer = lambda.functions.get('order-consumer')!;
    const context = { functionName: 'order-consumer', invokedFunctionArn: fnArn('order-consumer') };
    // Nothing is blocked at order-consumer itself: it runs, and has no identity to pass on.
    await expect(consumer(sqs.event('orders'), context)).resolves.toBe('consumed');
    // Mallory's SenderId is not mapped in this estate, so she can reach ledger-writer unvouched: there, an
    // invocation with no verifiable origin is refused.
    const out = await invoke('ledger-writer', {});
    expect(out.payload).toMatchObject({ errorType: 'ARESBlocked' });
    expect(out.payload.errorMessage).toContain('unvouched-requester');
  });
});
