/** Requester extraction for every platform shape, observed through the public API: the state the handler runs in. */
import { describe, expect, it } from 'vitest';
import { currentInvocation, withAres, type InvocationState } from '../../src/agent/index.js';
import {
  ACCOUNT,
  awsOptions,
  encodePropagated,
  lambdaContext,
  MALLORY,
  mint,
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
    const { state } = await seenOnAws(event, lambdaContext('X', { custom: { ares: mint(U) } }));
    expect(state).toMatchObject({ origin: V, source: 'apigateway-iam' });
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

  it('treats an SQS SenderId the table does not know as unknown, and falls back to the ares attribute', async () => {
    const token = mint(V);
    const { state } = await seenOnAws({
      Records: [
        {
          eventSource: 'aws:sqs',
          body: '{}',
          attributes: { SenderId: 'AROAUNKNOWN:order-producer' },
          messageAttributes: { ares: { stringValue: token, dataType: 'String' } },
        },
      ],
    });
    expect(state).toMatchObject({ origin: V, source: 'sqs-attribute', token });
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
    const token = mint(U);
    const { state } = await seenOnAws({
      Records: [
        { EventSource: 'aws:sns', Sns: { MessageAttributes: { ares: { Type: 'String', Value: token } } } },
      ],
    });
    expect(state).toMatchObject({ origin: U, source: 'sns-attribute' });
  });

  it('reads the SNS attribute inside an SQS body (SNS to SQS without raw delivery)', async () => {
    const token = mint(V);
    const body = JSON.stringify({
      Type: 'Notification',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:order-events',
      MessageAttributes: { ares: { Type: 'String', Value: token } },
    });
    const { state } = await seenOnAws({ Records: [{ eventSource: 'aws:sqs', body, attributes: {} }] });
    expect(state).toMatchObject({ origin: V, source: 'sns-attribute' });
  });

  it('reads Lambda clientContext.custom.ares, with the hops appended so far', async () => {
    const token = mint(V);
    const { state } = await seenOnAws(
      {},
      lambdaContext('X', { custom: { ares: encodePropagated(token, ['a', 'b']) } }),
    );
    expect(state).toMatchObject({
      origin: V,
      source: 'client-context',
      token,
      hops: ['a', 'b'],
      functionId: X,
    });
  });

  it('reads EventBridge detail._ares', async () => {
    const { state } = await seenOnAws({
      'detail-type': 'order',
      source: 'shop',
      detail: { id: 1, _ares: mint(V) },
    });
    expect(state).toMatchObject({ origin: V, source: 'eventbridge-detail' });
  });

  it('strips the payload envelope before the handler sees the event', async () => {
    const { state, event } = await seenOnAws({ __ares: mint(V), payload: { order: 7 } });
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
    env: {},
  };

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

  it('reads the email of an ID token whose signature Cloud Run removed', async () => {
    const token = jwt({ email: 'alice@example.com', aud: 'x' }, 'SIGNATURE_REMOVED_BY_GOOGLE');
    const { state } = await seenOnGcp({ authorization: `Bearer ${token}` });
    expect(state).toMatchObject({ origin: 'user:alice@example.com', source: 'gcp-id-token' });
  });

  it('prefers X-Serverless-Authorization, and keeps an email the table does not know as itself', async () => {
    const token = jwt({ email: 'bob@example.com' }, 'SIGNATURE_REMOVED_BY_GOOGLE');
    const { state } = await seenOnGcp({
      'x-serverless-authorization': `Bearer ${token}`,
      authorization: 'Bearer app',
    });
    expect(state).toMatchObject({ origin: 'bob@example.com', source: 'gcp-id-token' });
  });

  it('does not trust an ID token with its signature intact (the platform did not verify it)', async () => {
    const token = jwt({ email: 'alice@example.com' }, 'c2lnbmF0dXJl');
    const { state } = await seenOnGcp({ authorization: `Bearer ${token}` });
    expect(state).toMatchObject({ origin: undefined });
  });

  it('reads the x-ares-context header, and strips a body envelope', async () => {
    expect((await seenOnGcp({ 'x-ares-context': mint(V) })).state).toMatchObject({
      origin: V,
      source: 'http-header',
    });
    const { state, body } = await seenOnGcp({}, { __ares: mint(U), payload: { a: 1 } });
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
      data: { message: { attributes: { ares: mint(V) } } },
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
      { functionName: 'order-consumer', triggerMetadata: { applicationProperties: { ares: mint(U) } } },
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
