/**
 * The drill's stand-in for the AWS platform: one local HTTP server that speaks the wire formats the real AWS SDK v3
 * clients use (Lambda Invoke REST, SQS JSON 1.0, SNS Query, EventBridge JSON 1.1, S3 REST PutObject), checks each
 * request against the estate's IAM decisions for the caller named by its SigV4 credential, and delivers what the
 * service would deliver to the functions the profile says it triggers, in the event shapes Lambda gives them
 * (SQS `SenderId`, SNS `MessageAttributes`, EventBridge `detail`, S3 `userIdentity.principalId`).
 *
 * Deliveries are synchronous (a send answers after its consumers ran), so a drill run ends when its entry request
 * does. Signatures are not verified: every client is the drill's own; the credential only names the caller.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceMatches } from '../agent/decide.js';
import type { Access, EntryPoint } from '../model/index.js';

/** A function as the platform runs it: a Lambda handler taking the event and a Lambda-shaped context. */
export type PlatformHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** What the drill tells the stand-in about the estate. */
export interface PlatformEstate {
  account: string;
  region: string;
  /** Access key id → who the credential belongs to. */
  callers: Map<string, Caller>;
  /** Function name → its handler (already wrapped by the agent). */
  functions: Map<string, PlatformHandler>;
  /** Function id → function name. */
  functionNames: Map<string, string>;
  /** Every way a request starts a function (the profile's entry points). */
  entries: EntryPoint[];
  /** Whether `principal` may do `access` (IAM, as the estate's authorizer decides it). */
  allows(principal: string, access: Access): boolean;
}

/** Who makes a request: the principal IAM decides for, and the id the platform shows (`AIDA…`, `AROA…:session`). */
export interface Caller {
  principal: string;
  sender: string;
}

/** What one delivery to a function came to. */
export interface DeliveryOutcome {
  function: string;
  /** The error the function threw (its name), if any. */
  error?: string;
  errorMessage?: string;
}

export class PlatformStandIn {
  private server: Server | undefined;
  url = '';
  /** Every delivery, in order, for the drill to read back. */
  readonly deliveries: DeliveryOutcome[] = [];
  /** Requests the platform refused for want of IAM permission: (caller, access). */
  readonly refusals: { caller: string; access: Access }[] = [];

  constructor(private readonly estate: PlatformEstate) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
      });
    });
    // A chain of synchronous deliveries holds one connection per hop open.
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.estate.region}:${this.estate.account}:function:${name}`;
  }

  /** Delivers an event to one function as the platform would, recording the outcome. */
  async run(
    name: string,
    event: unknown,
    clientContext?: unknown,
  ): Promise<DeliveryOutcome & { result?: unknown }> {
    const handler = this.estate.functions.get(name);
    if (!handler) return { function: name, error: 'ResourceNotFoundException' };
    const context = {
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.functionArn(name),
      memoryLimitInMB: '128',
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 30_000,
      ...(clientContext !== undefined ? { clientContext } : {}),
    };
    try {
      const result = await handler(event, context);
      const outcome = { function: name };
      this.deliveries.push(outcome);
      return { ...outcome, result };
    } catch (error) {
      const outcome = {
        function: name,
        error: error instanceof Error ? error.name : 'Error',
        errorMessage: error instanceof Error ? error.message : String(error),
      };
      this.deliveries.push(outcome);
      return outcome;
    }
  }

  /** The functions a write of `action` on `resource` starts, and how (the profile's entry points). */
  triggered(resource: string, action: string): EntryPoint[] {
    return this.estate.entries.filter(
      (e) => e.via !== 'invoke' && e.action === action && resourceMatches(e.resource, resource),
    );
  }

  /**
   * A write to an event source by `caller`: checked against IAM, then delivered to every function it triggers in
   * the event shape of the trigger kind. Returns false when IAM refused the write.
   */
  async write(caller: Caller, access: Access, message: SourceMessage): Promise<boolean> {
    if (!this.estate.allows(caller.principal, access)) {
      this.refusals.push({ caller: caller.principal, access });
      return false;
    }
    for (const entry of this.triggered(access.resource, access.action)) {
      const name = this.estate.functionNames.get(entry.function);
      if (name === undefined) continue;
      await this.run(name, this.eventFor(entry, access, caller, message));
    }
    return true;
  }

  private eventFor(entry: EntryPoint, access: Access, caller: Caller, message: SourceMessage): unknown {
    const { account, region } = this.estate;
    const unique = caller.sender;
    switch (entry.via) {
      case 'queue':
        return sqsEvent(access.resource, region, message, unique);
      case 'topic':
        return {
          Records: [
            {
              EventSource: 'aws:sns',
              EventVersion: '1.0',
              EventSubscriptionArn: `${access.resource}:${randomUUID()}`,
              Sns: {
                Type: 'Notification',
                MessageId: randomUUID(),
                TopicArn: access.resource,
                Message: message.body,
                Timestamp: new Date().toISOString(),
                MessageAttributes: Object.fromEntries(
                  Object.entries(message.attributes).map(([k, v]) => [k, { Type: 'String', Value: v }]),
                ),
              },
            },
          ],
        };
      case 'event-bus':
        return {
          version: '0',
          id: randomUUID(),
          'detail-type': message.detailType ?? 'ares.drill',
          source: message.source ?? 'ares.drill',
          account,
          time: new Date().toISOString(),
          region,
          resources: [],
          detail: message.detail ?? {},
        };
      case 'object-store': {
        const [bucket, ...key] = access.resource.replace(/^arn:[^:]+:s3:::/, '').split('/');
        return {
          Records: [
            {
              eventVersion: '2.1',
              eventSource: 'aws:s3',
              awsRegion: region,
              eventTime: new Date().toISOString(),
              eventName: 'ObjectCreated:Put',
              userIdentity: { principalId: `AWS:${unique}` },
              s3: {
                bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
                object: { key: key.join('/') || message.key || 'object', size: message.body.length },
              },
            },
          ],
        };
      }
      default:
        // Streams and other sources: the record names no sender, as a DynamoDB or Kinesis record does not.
        return {
          Records: [{ eventSource: `aws:${entry.via}`, eventSourceARN: access.resource, body: message.body }],
        };
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const caller = this.callerOf(req);
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    if (invoke) return this.lambdaInvoke(decodeURIComponent(invoke[1] as string), req, body, caller, res);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith('AmazonSQS.')) return this.sqs(target.slice(10), body, caller, res);
    if (target.startsWith('AWSEvents.')) return this.events(target.slice(10), body, caller, res);
    if (req.method === 'POST' && body.includes('Action=Publish')) return this.sns(body, caller, res);
    if (req.method === 'PUT') return this.s3Put(req.url ?? '/', body, caller, res);
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"not spoken by the drill"}');
  }

  private callerOf(req: IncomingMessage): Caller | undefined {
    const auth = String(req.headers.authorization ?? '');
    const key = /Credential=([^/,\s]+)\//.exec(auth)?.[1];
    return key === undefined ? undefined : this.estate.callers.get(key);
  }

  private denied(res: ServerResponse, caller: Caller | undefined, access: Access, json = true): void {
    this.refusals.push({ caller: caller?.principal ?? 'anonymous', access });
    res
      .writeHead(403, {
        'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml',
        'x-amzn-errortype': 'AccessDeniedException',
      })
      .end(
        json
          ? JSON.stringify({ __type: 'AccessDeniedException', message: `not authorized to ${access.action}` })
          : `<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>not authorized</Message></Error></ErrorResponse>`,
      );
  }

  private async lambdaInvoke(
    ref: string,
    req: IncomingMessage,
    body: string,
    caller: Caller | undefined,
    res: ServerResponse,
  ): Promise<void> {
    const name = ref.split(':function:').pop()!.split(':')[0]!;
    const access = { resource: this.functionArn(name), action: 'lambda:InvokeFunction' };
    if (caller === undefined || !this.estate.allows(caller.principal, access))
      return this.denied(res, caller, access);
    const header = req.headers['x-amz-client-context'];
    const clientContext =
      typeof header === 'string' ? parseJson(Buffer.from(header, 'base64').toString('utf8')) : undefined;
    const asynchronous = req.headers['x-amz-invocation-type'] === 'Event';
    // Lambda drops ClientContext on asynchronous invocations.
    const outcome = await this.run(
      name,
      body === '' ? {} : parseJson(body),
      asynchronous ? undefined : clientContext,
    );
    if (asynchronous) {
      res.writeHead(202).end();
      return;
    }
    if (outcome.error === undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome.result ?? null));
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
      .end(JSON.stringify({ errorType: outcome.error, errorMessage: outcome.errorMessage ?? '' }));
  }

  private async sqs(
    operation: string,
    body: string,
    caller: Caller | undefined,
    res: ServerResponse,
  ): Promise<void> {
    const input = parseJson(body) as {
      QueueUrl?: string;
      MessageBody?: string;
      MessageAttributes?: Record<string, { StringValue?: string }>;
    };
    const queue = (input.QueueUrl ?? '').split('/').pop() ?? '';
    const resource = `arn:aws:sqs:${this.estate.region}:${this.estate.account}:${queue}`;
    const access = { resource, action: 'sqs:SendMessage' };
    if (operation !== 'SendMessage') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end('{"__type":"InvalidAction"}');
      return;
    }
    const attributes = stringAttributes(input.MessageAttributes, 'StringValue');
    if (
      caller === undefined ||
      !(await this.write(caller, access, { body: input.MessageBody ?? '', attributes }))
    )
      return this.denied(res, caller, access);
    res
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: '' }));
  }

  private async sns(body: string, caller: Caller | undefined, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(body);
    const resource = form.get('TopicArn') ?? '';
    const access = { resource, action: 'sns:Publish' };
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      const value = form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
      if (value !== null) attributes[form.get(`MessageAttributes.entry.${i}.Name`) as string] = value;
    }
    if (
      caller === undefined ||
      !(await this.write(caller, access, { body: form.get('Message') ?? '', attributes }))
    )
      return this.denied(res, caller, access, false);
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
  }

  private async events(
    operation: string,
    body: string,
    caller: Caller | undefined,
    res: ServerResponse,
  ): Promise<void> {
    const input = parseJson(body) as {
      Entries?: { EventBusName?: string; Source?: string; DetailType?: string; Detail?: string }[];
    };
    if (operation !== 'PutEvents') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"InvalidAction"}');
      return;
    }
    for (const entry of input.Entries ?? []) {
      const bus = entry.EventBusName ?? 'default';
      const resource = bus.startsWith('arn:')
        ? bus
        : `arn:aws:events:${this.estate.region}:${this.estate.account}:event-bus/${bus}`;
      const access = { resource, action: 'events:PutEvents' };
      const detail = parseJson(entry.Detail ?? '{}');
      const message: SourceMessage = { body: entry.Detail ?? '', attributes: {}, detail };
      if (entry.Source !== undefined) message.source = entry.Source;
      if (entry.DetailType !== undefined) message.detailType = entry.DetailType;
      if (caller === undefined || !(await this.write(caller, access, message)))
        return this.denied(res, caller, access);
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
      JSON.stringify({
        FailedEntryCount: 0,
        Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })),
      }),
    );
  }

  private async s3Put(
    path: string,
    body: string,
    caller: Caller | undefined,
    res: ServerResponse,
  ): Promise<void> {
    const [bucket, ...key] = decodeURIComponent(path.slice(1)).split('/');
    const resource = `arn:aws:s3:::${bucket}/${key.join('/')}`;
    const access = { resource, action: 's3:PutObject' };
    if (
      caller === undefined ||
      !(await this.write(caller, access, { body, attributes: {}, key: key.join('/') }))
    )
      return this.denied(res, caller, access, false);
    res.writeHead(200, { etag: '"drill"' }).end();
  }
}

/** What a write to an event source carries. */
export interface SourceMessage {
  body: string;
  /** String message attributes (SQS, SNS). */
  attributes: Record<string, string>;
  detail?: unknown;
  source?: string;
  detailType?: string;
  key?: string;
}

export function sqsEvent(
  queueArn: string,
  region: string,
  message: SourceMessage,
  senderId: string,
): unknown {
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'drill',
        body: message.body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: senderId,
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([k, v]) => [
            k,
            { stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' },
          ]),
        ),
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      },
    ],
  };
}

function stringAttributes(
  attributes: Record<string, Record<string, unknown>> | undefined,
  key: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    const text = value[key];
    if (typeof text === 'string') out[name] = text;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
