/**
 * Propagation through real AWS SDK v3 clients (`instrument`): a capture middleware placed before serialisation
 * records the input each call would send and answers without touching the network. Call mode is checked through a
 * structural client (no DynamoDB SDK is installed), which is all `instrument` relies on.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  ARESBlocked,
  autoInstrument,
  instrument,
  MAX_CLIENT_CONTEXT,
  withAres,
} from '../../src/agent/index.js';
import { checkToken, readToken, tokenDigest } from '../../src/agent/callerContext.js';
import {
  awsOptions,
  captureLogger,
  fnArn,
  functionKeyPem,
  lambdaContext,
  LEDGER_WRITER,
  MALLORY,
  mint,
  mintHop,
  ORDER_CONSUMER,
  ORDER_EVENTS,
  signersOf,
  tableArn,
  U,
  V,
} from './support.js';

/** What a propagated hop token says, after checking it with its issuer's public key (as the next agent would). */
function hop(value: string) {
  const parsed = readToken(value);
  if (!parsed) throw new Error('not a token');
  const issuer = parsed.context.issuer!;
  const der = Buffer.from(signersOf()[issuer]!, 'base64');
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  const valid = checkToken(parsed, key, Math.floor(Date.now() / 1000)).valid;
  const { origin, chain, audience, parent } = parsed.context;
  return { valid, origin, issuer, chain, audience, parent };
}

const clientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
};

type Captured = Record<string, any>;

/** Records each call's input after the ares middleware ran, and answers with `output(input)`. */
function capture<C extends { middlewareStack: { add: (...a: any[]) => void } }>(
  client: C,
  output: (input: Captured) => Captured = () => ({}),
): Captured[] {
  const inputs: Captured[] = [];
  client.middlewareStack.add(
    () => async (args: { input: Captured }) => {
      inputs.push(args.input);
      return { output: { $metadata: {}, ...output(args.input) }, response: {} };
    },
    { step: 'serialize', priority: 'high', name: 'testCapture' },
  );
  return inputs;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Runs `body` inside a wrapped invocation of `fn` whose requester is `origin` (via ClientContext). */
async function inside<T>(
  fn: string,
  origin: string,
  body: () => Promise<T>,
  extra: Record<string, unknown> = {},
) {
  const token = mint(origin, { chain: [fnArn(fn)] });
  const handler = withAres(
    async () => body(),
    awsOptions({ signingKey: functionKeyPem(fnArn(fn)), ...extra }),
  );
  const result = await handler({}, lambdaContext(fn, { custom: { ares: token } }));
  return { result, token };
}

describe('instrument: propagation through AWS SDK v3 clients', () => {
  it('does nothing outside a wrapped invocation', async () => {
    const client = instrument(new LambdaClient(clientConfig));
    const inputs = capture(client);
    await client.send(new InvokeCommand({ FunctionName: 'Y', Payload: new TextEncoder().encode('{}') }));
    expect(inputs[0]!.ClientContext).toBeUndefined();
  });

  it('Lambda Invoke: adds ClientContext.custom.ares with this function appended, merging an existing one', async () => {
    const client = instrument(new LambdaClient(clientConfig));
    const inputs = capture(client);
    const existing = Buffer.from(JSON.stringify({ custom: { trace: 't-1' }, env: { k: 'v' } })).toString(
      'base64',
    );
    const input = { FunctionName: 'ledger-writer', ClientContext: existing };
    const { token } = await inside(ORDER_CONSUMER.split(':').pop()!, V, () =>
      client.send(new InvokeCommand(input)),
    );
    const sent = JSON.parse(Buffer.from(inputs[0]!.ClientContext as string, 'base64').toString('utf8'));
    expect(sent).toEqual({ custom: { trace: 't-1', ares: expect.any(String) }, env: { k: 'v' } });
    // A fresh hop token: order-consumer vouches for V on the hop to ledger-writer, naming the token it came with.
    expect(hop(sent.custom.ares)).toEqual({
      valid: true,
      origin: V,
      issuer: ORDER_CONSUMER,
      chain: [ORDER_CONSUMER],
      audience: LEDGER_WRITER,
      parent: tokenDigest(token),
    });
    expect(sent.custom.ares).not.toContain(token.split('.')[1]);
    expect(input.ClientContext).toBe(existing);
  });

  it('Lambda Invoke with InvocationType Event: wraps the payload in an envelope instead', async () => {
    const client = instrument(new LambdaClient(clientConfig));
    const inputs = capture(client);
    const { token } = await inside('order-consumer', V, () =>
      client.send(
        new InvokeCommand({
          FunctionName: 'ledger-writer',
          InvocationType: 'Event',
          Payload: new TextEncoder().encode('{"n":1}'),
        }),
      ),
    );
    expect(inputs[0]!.ClientContext).toBeUndefined();
    const payload = JSON.parse(new TextDecoder().decode(inputs[0]!.Payload as Uint8Array));
    expect(payload).toEqual({ __ares: expect.any(String), payload: { n: 1 } });
    expect(hop(payload.__ares)).toMatchObject({
      valid: true,
      origin: V,
      audience: LEDGER_WRITER,
      parent: tokenDigest(token),
    });
  });

  it('Lambda Invoke: leaves ClientContext alone, with a warning, when the context would pass 3,583 bytes', async () => {
    const client = instrument(new LambdaClient(clientConfig));
    const inputs = capture(client);
    const logger = captureLogger();
    const big = Buffer.from(JSON.stringify({ custom: { pad: 'x'.repeat(2400) } })).toString('base64');
    expect(big.length).toBeLessThan(MAX_CLIENT_CONTEXT);
    await inside(
      'order-consumer',
      V,
      () => client.send(new InvokeCommand({ FunctionName: 'Y', ClientContext: big })),
      { logger },
    );
    expect(inputs[0]!.ClientContext).toBe(big);
    expect(logger.lines.map((l) => l.message)).toContain(
      'ares context not propagated: ClientContext would exceed its limit',
    );
  });

  it('SQS SendMessage and SendMessageBatch: adds the message attribute ares (String)', async () => {
    const client = instrument(new SQSClient(clientConfig));
    const inputs = capture(client, (input) =>
      input.Entries
        ? {
            Successful: input.Entries.map((e: Captured) => ({
              Id: e.Id,
              MessageId: e.Id,
              MD5OfMessageBody: md5(e.MessageBody),
            })),
          }
        : { MessageId: 'm', MD5OfMessageBody: md5(input.MessageBody) },
    );
    const QueueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
    const { token } = await inside('order-consumer', V, async () => {
      await client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'hi',
          MessageAttributes: { a: { DataType: 'String', StringValue: '1' } },
        }),
      );
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: '1', MessageBody: 'a' },
            { Id: '2', MessageBody: 'b' },
          ],
        }),
      );
    });
    const value = inputs[0]!.MessageAttributes.ares.StringValue as string;
    expect(hop(value)).toMatchObject({
      valid: true,
      origin: V,
      issuer: ORDER_CONSUMER,
      audience: 'arn:aws:sqs:us-east-1:123456789012:orders',
      parent: tokenDigest(token),
    });
    const expected = { DataType: 'String', StringValue: value };
    expect(inputs[0]!.MessageAttributes).toEqual({
      a: { DataType: 'String', StringValue: '1' },
      ares: expected,
    });
    expect(inputs[1]!.Entries.map((e: Captured) => e.MessageAttributes.ares)).toEqual([expected, expected]);
  });

  it('SQS: skips, with a warning, a message that already has 10 attributes', async () => {
    const client = instrument(new SQSClient(clientConfig));
    const inputs = capture(client, (input) => ({ MessageId: 'm', MD5OfMessageBody: md5(input.MessageBody) }));
    const logger = captureLogger();
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
    );
    await inside(
      'order-consumer',
      V,
      () =>
        client.send(
          new SendMessageCommand({
            QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q',
            MessageBody: 'x',
            MessageAttributes: ten,
          }),
        ),
      { logger },
    );
    expect(Object.keys(inputs[0]!.MessageAttributes)).toHaveLength(10);
    expect(inputs[0]!.MessageAttributes.ares).toBeUndefined();
    expect(logger.lines.some((l) => l.message.includes('maximum of message attributes'))).toBe(true);
  });

  it('SNS Publish and PublishBatch: adds the message attribute ares', async () => {
    const client = instrument(new SNSClient(clientConfig));
    const inputs = capture(client);
    const TopicArn = 'arn:aws:sns:us-east-1:123456789012:order-events';
    const { token } = await inside('order-consumer', MALLORY, async () => {
      await client.send(new PublishCommand({ TopicArn, Message: 'm' }));
      await client.send(
        new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: '1', Message: 'a' }] }),
      );
    });
    const value = inputs[0]!.MessageAttributes.ares.StringValue as string;
    expect(hop(value)).toMatchObject({
      valid: true,
      origin: MALLORY,
      audience: ORDER_EVENTS,
      parent: tokenDigest(token),
    });
    expect(inputs[0]!.MessageAttributes).toEqual({ ares: { DataType: 'String', StringValue: value } });
    expect(inputs[1]!.PublishBatchRequestEntries[0].MessageAttributes.ares.StringValue).toBe(value);
  });

  it('EventBridge PutEvents: adds Detail._ares', async () => {
    const client = instrument(new EventBridgeClient(clientConfig));
    const inputs = capture(client);
    const { token } = await inside('order-consumer', V, () =>
      client.send(
        new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'order', Detail: '{"id":1}' }] }),
      ),
    );
    const detail = JSON.parse(inputs[0]!.Entries[0].Detail);
    expect(detail).toEqual({ id: 1, _ares: expect.any(String) });
    expect(hop(detail._ares)).toMatchObject({
      valid: true,
      origin: V,
      issuer: ORDER_CONSUMER,
      parent: tokenDigest(token),
    });
  });

  it('vouches for a platform-verified identity with a hop token of its own (no parent token)', async () => {
    const client = instrument(new SNSClient(clientConfig));
    const inputs = capture(client);
    const handler = withAres(
      async () => client.send(new PublishCommand({ TopicArn: ORDER_EVENTS, Message: 'm' })),
      awsOptions({ signingKey: functionKeyPem(ORDER_CONSUMER) }),
    );
    await handler({ requestContext: { identity: { userArn: V } } }, lambdaContext('order-consumer'));
    expect(hop(inputs[0]!.MessageAttributes.ares.StringValue)).toEqual({
      valid: true,
      origin: V,
      issuer: ORDER_CONSUMER,
      chain: [ORDER_CONSUMER],
      audience: ORDER_EVENTS,
      parent: '',
    });
  });

  it('passes on nothing when the function has no signing key, or the claim it came with is false', async () => {
    const client = instrument(new SNSClient(clientConfig));
    const inputs = capture(client);
    const send = () => client.send(new PublishCommand({ TopicArn: ORDER_EVENTS, Message: 'm' }));
    const keyless = withAres(send, awsOptions());
    await keyless(
      {},
      lambdaContext('order-consumer', { custom: { ares: mint(V, { chain: [ORDER_CONSUMER] }) } }),
    );
    expect(inputs[0]!.MessageAttributes).toBeUndefined();
    // A token signed by another key is allowed at order-consumer (nothing there depends on it) but not vouched for.
    const signed = withAres(send, awsOptions({ signingKey: functionKeyPem(ORDER_CONSUMER) }));
    const forged = mint(V, { chain: [ORDER_CONSUMER], foreign: true });
    await signed({}, lambdaContext('order-consumer', { custom: { ares: forged } }));
    expect(inputs[1]!.MessageAttributes).toBeUndefined();
  });

  it('autoInstrument patches send on the given client classes', async () => {
    autoInstrument([SNSClient]);
    autoInstrument([SNSClient]);
    const client = new SNSClient(clientConfig);
    const inputs = capture(client);
    const { token } = await inside('order-consumer', V, () =>
      client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' })),
    );
    expect(hop(inputs[0]!.MessageAttributes.ares.StringValue)).toMatchObject({
      valid: true,
      origin: V,
      parent: tokenDigest(token),
    });
  });
});

/** A structural SDK client: `send(clientName, commandName, input)` runs the added middleware over a terminal handler. */
function structuralClient(clientName: string) {
  const middleware: ((next: any, context: any) => any)[] = [];
  const sent: { command: string; input: Captured }[] = [];
  const client = {
    middlewareStack: { add: (mw: (next: any, context: any) => any) => middleware.push(mw) },
    async send(commandName: string, input: Captured) {
      const terminal = async (args: { input: Captured }) => {
        sent.push({ command: commandName, input: args.input });
        return { output: {} };
      };
      const handler = middleware.reduceRight((next, mw) => mw(next, { clientName, commandName }), terminal);
      return handler({ input });
    },
  };
  return { client: instrument(client), sent };
}

describe("call mode: each outgoing call checked against the origin's blocked accesses", () => {
  it('refuses PutItem on the ledger for mallory at ledger-writer, while the handler runs and reads', async () => {
    const { client, sent } = structuralClient('DynamoDBClient');
    const outcomes: unknown[] = [];
    const handler = withAres(
      async () => {
        outcomes.push(
          await client.send('GetItemCommand', { TableName: 'ledger', Key: {} }).then(() => 'read'),
        );
        outcomes.push(
          await client.send('PutItemCommand', { TableName: 'ledger', Item: {} }).catch((e: unknown) => e),
        );
        outcomes.push(
          await client.send('PutItemCommand', { TableName: 'other', Item: {} }).then(() => 'wrote other'),
        );
        return 'handler finished';
      },
      awsOptions({ mode: 'call' }),
    );
    const result = await handler({}, lambdaContext('ledger-writer', { custom: { ares: mintHop(MALLORY) } }));
    expect(result).toBe('handler finished');
    expect(outcomes[0]).toBe('read');
    expect(outcomes[1]).toBeInstanceOf(ARESBlocked);
    expect(outcomes[1]).toMatchObject({
      origin: MALLORY,
      function: LEDGER_WRITER,
      reason: 'access-blocked',
      access: { action: 'dynamodb:PutItem', resource: tableArn('ledger') },
    });
    expect(outcomes[2]).toBe('wrote other');
    expect(sent.map((s) => s.command)).toEqual(['GetItemCommand', 'PutItemCommand']);
  });

  it('checks batch and transaction items by table, and lets a permitted origin through', async () => {
    const { client } = structuralClient('DynamoDBClient');
    const handler = withAres(
      async () => {
        const transact = await client
          .send('TransactWriteItemsCommand', { TransactItems: [{ Update: { TableName: 'DB-1', Key: {} } }] })
          .catch((e: unknown) => e);
        return transact;
      },
      awsOptions({ mode: 'call' }),
    );
    const blocked = await handler({}, lambdaContext('X', { custom: { ares: mint(U) } }));
    expect(blocked).toMatchObject({
      reason: 'access-blocked',
      access: { action: 'dynamodb:UpdateItem', resource: tableArn('DB-1') },
    });
    const allowed = withAres(
      async () => client.send('PutItemCommand', { TableName: 'DB-1' }),
      awsOptions({ mode: 'call' }),
    );
    await expect(allowed({}, lambdaContext('X', { custom: { ares: mint(V) } }))).resolves.toBeDefined();
  });

  it('still blocks an unknown requester at a conduit before the handler runs', async () => {
    const handler = withAres(async () => 'ran', awsOptions({ mode: 'call' }));
    await expect(handler({}, lambdaContext('X'))).rejects.toMatchObject({
      reason: 'unvouched-requester',
    });
  });

  it('lets U into X in call mode: the handler runs, only the denied write is refused', async () => {
    const handler = withAres(async () => 'ran', awsOptions({ mode: 'call' }));
    await expect(handler({}, lambdaContext('X', { custom: { ares: mint(U) } }))).resolves.toBe('ran');
  });
});
