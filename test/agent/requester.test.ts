/** Requester extraction for every platform shape, observed through the public API: the state the handler runs in. */
import { describe, expect, it } from 'vitest';
import { currentInvocation, withAres, type InvocationState } from '../../src/agent/index.js';
import { importPrivateKey } from '../../src/agent/callerContext.js';
import {
  ACCOUNT,
  awsOptions,
  encodePropagated,
  lambdaContext,
  functionKeyPem,
  MALLORY,
  mint,
  mintHop,
  ORDER_CONSUMER,
  ORDER_EVENTS,
  ORDER_PRODUCER,
  ORDERS_QUEUE,
  PUBLIC_KEY,
  roleArn,
  U,
  V,
  X,
  exampleTable,
  captureLogger,
} from './support.js';

interface Seen {
  state: InvocationState | undefined;
  event: unknown;
}

async function seenOnAws(event: unknown, context = lambdaContext('order-consumer')): Promise<Seen> {
  let seen: Seen = { state: undefined, event: undefined };
  const handler = withAres(
    async (e: unknown) => {
      seen = { state: currentInvocation(), event: e };
      return 'ran';
    },
    awsOptions({ unknownRequester: 'allow' }),
  );
  await handler(event, context);
  return seen;
}

const jwt = (claims: Record<string, unknown>, signature: string): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

describe('requester extraction: AWS Lambda', () => {
  it('reads API Gateway REST IAM requestContext.identity.userArn', async () => {
    const { state } = await seenOnAws({ requestContext: { identity: { userArn: V, caller: 'AIDAV' } } });
    expect(state).toMatchObject({ origin: V, source: 'apigateway-iam' });
  });

  it('maps an assumed-role session ARN to its role', async () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/ProducerRole/ci-run-7`;
    const { state } = await seenOnAws({ requestContext: { identity: { userArn: session } } });
    expect(state).toMatchObject({ origin: roleArn('ProducerRole'), source: 'apigateway-iam' });
  });

  it('reads HTTP API / Function URL requestContext.authorizer.iam.userArn', async () => {
    const { state } = await seenOnAws({ requestContext: { authorizer: { iam: { userArn: U } } } });
    expect(state).toMatchObject({ origin: U, source: 'http-api-iam' });
  });

  it('prefers the platform-verified identity to a caller context', async () => {
    const event = { requestContext: { identity: { userArn: V } } };
    const context = lambdaContext('order-consumer', {
      custom: { ares: mint(U, { chain: [ORDER_CONSUMER] }) },
    });
    const { state } = await seenOnAws(event, context);
    expect(state).toMatchObject({ origin: V, source: 'apigateway-iam' });
  });

  it('takes an identity in the event for a claim where a blocked origin may invoke directly (X): it counts as none', async () => {
    // U may invoke X and is blocked there: U could write V's ARN into the payload of a direct invoke.
    const event = { requestContext: { identity: { userArn: V } } };
    const { state } = await seenOnAws(event, lambdaContext('X'));
    expect(state).toMatchObject({ origin: undefined });
  });

  it('maps an SQS SenderId through principalIds (unique id, and AROA…:session)', async () => {
    const record = (sender: string) => ({
      eventSource: 'aws:sqs',
      body: '{}',
      attributes: { SenderId: sender },
      messageAttributes: {},
    });
    expect((await seenOnAws({ Records: [record('AIDAMALLORY0000000000')] })).state).toMatchObject({
      origin: MALLORY,
      source: 'sqs-sender-id',
    });
    expect((await seenOnAws({ Records: [record('AROAPRODUCER000000000:run-1')] })).state).toMatchObject({
      origin: roleArn('ProducerRole'),
    });
  });

  it('treats an SQS SenderId the table does not know as unknown, and falls back to the sending function’s hop token', async () => {
    const token = mintHop(V, { issuer: ORDER_PRODUCER, audience: ORDERS_QUEUE });
    const message = (sender: string) => ({
      Records: [
        {
          eventSource: 'aws:sqs',
          body: '{}',
          attributes: { SenderId: sender },
          messageAttributes: { ares: { stringValue: token, dataType: 'String' } },
        },
      ],
    });
    const { state } = await seenOnAws(message('AROAUNKNOWN:order-producer'));
    expect(state).toMatchObject({ origin: V, source: 'sqs-attribute', token });
    // The same token on a message another sender wrote (a user lifting it into her own ares attribute).
    const lifted = await seenOnAws(message('AIDAUNKNOWN'));
    expect(lifted.state).toMatchObject({ origin: undefined });
    const otherFunction = await seenOnAws(message('AROAUNKNOWN:some-other-function'));
    expect(otherFunction.state).toMatchObject({ origin: undefined });
    const bare = await seenOnAws({
      Records: [
        {
          eventSource: 'aws:sqs',
          body: '{}',
          attributes: { SenderId: 'AIDAUNKNOWN' },
          messageAttributes: {},
        },
      ],
    });
    expect(bare.state).toMatchObject({ origin: undefined, source: 'none' });
  });

  it('maps an S3 userIdentity.principalId (AWS: prefix) through principalIds, else unknown', async () => {
    const s3 = (principalId: string) => ({
      Records: [{ eventSource: 'aws:s3', userIdentity: { principalId } }],
    });
    expect((await seenOnAws(s3('AWS:AIDAMALLORY0000000000'))).state).toMatchObject({
      origin: MALLORY,
      source: 's3-principal',
    });
    expect((await seenOnAws(s3('A3NL1KOZZKExample'))).state).toMatchObject({ origin: undefined });
  });

  it('reads the SNS message attribute ares', async () => {
    const token = mintHop(U, { issuer: ORDER_CONSUMER, audience: ORDER_EVENTS });
    const { state } = await seenOnAws(
      {
        Records: [
          { EventSource: 'aws:sns', Sns: { MessageAttributes: { ares: { Type: 'String', Value: token } } } },
        ],
      },
      lambdaContext('ledger-writer'),
    );
    expect(state).toMatchObject({ origin: U, source: 'sns-attribute' });
  });

  it('reads the SNS attribute inside an SQS body (SNS to SQS without raw delivery)', async () => {
    const token = mintHop(V, { issuer: ORDER_CONSUMER, audience: ORDER_EVENTS });
    const body = JSON.stringify({
      Type: 'Notification',
      TopicArn: ORDER_EVENTS,
      MessageAttributes: { ares: { Type: 'String', Value: token } },
    });
    const { state } = await seenOnAws(
      { Records: [{ eventSource: 'aws:sqs', body, attributes: {} }] },
      lambdaContext('ledger-writer'),
    );
    expect(state).toMatchObject({ origin: V, source: 'sns-attribute' });
  });

  it('reads Lambda clientContext.custom.ares, with its signed chain (unsigned breadcrumbs are ignored)', async () => {
    const token = mint(V);
    const { state } = await seenOnAws(
      {},
      lambdaContext('X', { custom: { ares: encodePropagated(token, ['a', 'b']) } }),
    );
    expect(state).toMatchObject({ origin: V, source: 'client-context', token, hops: [X], functionId: X });
  });

  it('refuses a token where it was not minted for: a root token past its entry, a hop token off its hop', async () => {
    // ares serve minted this for X; presented at ledger-writer it is a lifted credential.
    const atWriter = await seenOnAws({}, lambdaContext('ledger-writer', { custom: { ares: mint(V) } }));
    expect(atWriter.state).toMatchObject({ origin: undefined });
    // order-consumer vouched for V on the hop to ledger-writer (via the topic); X is not on that hop.
    const hop = mintHop(V, { issuer: ORDER_CONSUMER, audience: ORDER_EVENTS });
    const atX = await seenOnAws({}, lambdaContext('X', { custom: { ares: hop } }));
    expect(atX.state).toMatchObject({ origin: undefined });
    // Signed by X's key but naming order-consumer as issuer: a compromised X can only lie as itself.
    const posing = mintHop(V, {
      issuer: ORDER_CONSUMER,
      audience: ORDER_EVENTS,
      key: importPrivateKey(functionKeyPem(X)),
    });
    const posed = await seenOnAws({}, lambdaContext('ledger-writer', { custom: { ares: posing } }));
    // Nothing at ledger-writer depends on the truth of V (V is not blocked, nobody arrives unvouched), so the
    // handler runs; the false claim is never vouched for further (see propagation tests).
    expect(posed.state?.origin === undefined || posed.state.origin === V).toBe(true);
    const strict = withAres(async () => currentInvocation(), awsOptions({ unknownRequester: 'block' }));
    await expect(
      strict({}, lambdaContext('ledger-writer', { custom: { ares: posing } })),
    ).rejects.toMatchObject({
      reason: 'unknown-requester',
      detail: 'caller context bad-signature',
    });
  });

  it('reads EventBridge detail._ares', async () => {
    const { state } = await seenOnAws({
      'detail-type': 'order',
      source: 'shop',
      detail: { id: 1, _ares: mint(V, { chain: [ORDER_CONSUMER] }) },
    });
    expect(state).toMatchObject({ origin: V, source: 'eventbridge-detail' });
  });

  it('strips the payload envelope before the handler sees the event', async () => {
    const { state, event } = await seenOnAws({
      __ares: mint(V, { chain: [ORDER_CONSUMER] }),
      payload: { order: 7 },
    });
    expect(state).toMatchObject({ origin: V, source: 'envelope' });
    expect(event).toEqual({ order: 7 });
  });

  it('has no requester for a bare direct invoke', async () => {
    const { state } = await seenOnAws({ hello: 'world' });
    expect(state).toMatchObject({ origin: undefined, source: 'none', token: undefined });
  });
});

describe('requester extraction: Google Cloud Functions', () => {
  const options = {
    platform: 'gcp-http' as const,
    blockTable: exampleTable(),
    publicKey: PUBLIC_KEY,
    functionId: 'order-consumer',
    env: {},
  };
  const forConsumer = (origin: string) => mint(origin, { chain: [ORDER_CONSUMER] });

  async function seenOnGcp(headers: Record<string, string>, body: unknown = {}) {
    let state: InvocationState | undefined;
    let bodySeen: unknown;
    const handler = withAres(
      (req: { headers: Record<string, string>; body: unknown }, res: { end(s: string): void }) => {
        state = currentInvocation();
        bodySeen = req.body;
        res.end('ok');
      },
      { ...options, unknownRequester: 'allow', logger: captureLogger() },
    );
    const res = { statusCode: 200, setHeader: () => undefined, end: () => undefined };
    await handler({ headers, body }, res);
    return { state, body: bodySeen };
  }

  it('does not take an ID token whose signature reads SIGNATURE_REMOVED_BY_GOOGLE as an identity', async () => {
    // Anyone can write that string; nothing in the request shows that Cloud Run checked the token.
    const token = jwt({ email: 'alice@example.com', aud: 'x' }, 'SIGNATURE_REMOVED_BY_GOOGLE');
    for (const header of ['authorization', 'x-serverless-authorization']) {
      const { state } = await seenOnGcp({ [header]: `Bearer ${token}` });
      expect(state).toMatchObject({ origin: undefined });
    }
  });

  it('reads the x-ares-context header, and strips a body envelope', async () => {
    expect((await seenOnGcp({ 'x-ares-context': forConsumer(V) })).state).toMatchObject({
      origin: V,
      source: 'http-header',
    });
    const { state, body } = await seenOnGcp({}, { __ares: forConsumer(U), payload: { a: 1 } });
    expect(state).toMatchObject({ origin: U, source: 'envelope' });
    expect(body).toEqual({ a: 1 });
  });

  it('reads a Pub/Sub CloudEvent attribute and an audit-log principal', async () => {
    let state: InvocationState | undefined;
    const handler = withAres(
      () => {
        state = currentInvocation();
      },
      { ...options, platform: 'gcp-cloudevent', logger: captureLogger() },
    );
    await handler({
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      data: { message: { attributes: { ares: forConsumer(V) } } },
    });
    expect(state).toMatchObject({ origin: V, source: 'pubsub-attribute' });
    await handler({
      type: 'google.cloud.audit.log.v1.written',
      data: { protoPayload: { authenticationInfo: { principalEmail: 'alice@example.com' } } },
    });
    expect(state).toMatchObject({ origin: 'user:alice@example.com', source: 'gcp-audit-log' });
  });
});

describe('requester extraction: Azure Functions v4', () => {
  const headers = (values: Record<string, string>) => ({
    get: (name: string) => values[name.toLowerCase()] ?? null,
  });

  async function seenOnAzure(input: unknown, context: unknown = { functionName: 'X', triggerMetadata: {} }) {
    let state: InvocationState | undefined;
    let inputSeen: unknown;
    const handler = withAres(
      async (i: unknown) => {
        state = currentInvocation();
        inputSeen = i;
        return { status: 200 };
      },
      {
        platform: 'azure',
        blockTable: exampleTable(),
        publicKey: PUBLIC_KEY,
        unknownRequester: 'allow',
        env: {},
        logger: captureLogger(),
      },
    );
    const result = await handler(input, context);
    return { state, input: inputSeen, result };
  }

  it('reads the Easy Auth principal (x-ms-client-principal, base64 JSON) by its object id', async () => {
    const principal = Buffer.from(
      JSON.stringify({
        auth_typ: 'aad',
        claims: [
          {
            typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
            val: '00000000-0000-0000-0000-00000000a11c',
          },
        ],
      }),
    ).toString('base64');
    const { state } = await seenOnAzure({
      method: 'POST',
      headers: headers({ 'x-ms-client-principal': principal }),
    });
    expect(state).toMatchObject({ origin: 'entra:alice', source: 'azure-client-principal' });
  });

  it('reads x-ares-context on HTTP, and a Service Bus application property on other triggers', async () => {
    const http = await seenOnAzure({ method: 'GET', headers: headers({ 'x-ares-context': mint(V) }) });
    expect(http.state).toMatchObject({ origin: V, source: 'http-header' });
    const bus = await seenOnAzure(
      { order: 1 },
      {
        functionName: 'order-consumer',
        triggerMetadata: { applicationProperties: { ares: mint(U, { chain: [ORDER_CONSUMER] }) } },
      },
    );
    expect(bus.state).toMatchObject({ origin: U, source: 'service-bus-property' });
    const envelope = await seenOnAzure({ __ares: mint(V), payload: { order: 2 } });
    expect(envelope).toMatchObject({ state: { origin: V, source: 'envelope' }, input: { order: 2 } });
  });
});

describe('requester extraction: Alibaba Function Compute', () => {
  it('reads an envelope from the Buffer event and hands the handler a Buffer of the payload', async () => {
    let state: InvocationState | undefined;
    let seen: unknown;
    const handler = withAres(
      (event: Buffer, _context: unknown, callback: (e: unknown, r?: unknown) => void) => {
        state = currentInvocation();
        seen = JSON.parse(event.toString('utf8'));
        callback(null, 'ok');
      },
      {
        platform: 'alibaba',
        blockTable: exampleTable(),
        publicKey: PUBLIC_KEY,
        env: {},
        logger: captureLogger(),
      },
    );
    const result = await new Promise((resolve, reject) =>
      handler(
        Buffer.from(JSON.stringify({ __ares: mint(V), payload: { n: 3 } })),
        { function: { name: 'X' } },
        (e, r) => (e ? reject(e as Error) : resolve(r)),
      ),
    );
    expect(result).toBe('ok');
    expect(state).toMatchObject({ origin: V, source: 'envelope', functionId: X });
    expect(seen).toEqual({ n: 3 });
  });
});
