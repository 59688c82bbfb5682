/**
 * A test double for AWS Lambda's Invoke API, for end-to-end tests on one machine: a local HTTP server that speaks
 * `POST /2015-03-31/functions/{name}/invocations` (reading `X-Amz-Client-Context` and `X-Amz-Invocation-Type`), runs the
 * handler registered under that name with a Lambda-shaped context, and answers with the result or, like Lambda, 200
 * with `X-Amz-Function-Error: Unhandled` and `{"errorType", "errorMessage", "trace"}`. Called by the real AWS SDK v3.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const fnArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** A test double for AWS Lambda's Invoke API. */
export class LambdaDouble {
  readonly functions = new Map<string, Handler>();
  /** Async (`Event`) invocations still running, so a test can wait for them. */
  readonly background: Promise<unknown>[] = [];
  readonly server = createServer((req, res) => {
    void (async () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      const name = decodeURIComponent(match?.[1] ?? '')
        .split(':function:')
        .pop()!
        .split(':')[0]!;
      const handler = this.functions.get(name);
      if (req.method !== 'POST' || !handler) {
        res
          .writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' })
          .end('{"Type":"User","message":"Function not found"}');
        return;
      }
      const body = await readBody(req);
      const header = req.headers['x-amz-client-context'];
      const clientContext =
        typeof header === 'string' ? JSON.parse(Buffer.from(header, 'base64').toString('utf8')) : undefined;
      const event = body === '' ? {} : JSON.parse(body);
      const context = {
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: fnArn(name),
        memoryLimitInMB: '128',
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: 'double',
        getRemainingTimeInMillis: () => 30_000,
        ...(clientContext !== undefined ? { clientContext } : {}),
      };
      if (req.headers['x-amz-invocation-type'] === 'Event') {
        // Async invokes: accepted, and ClientContext is not passed (Lambda drops it).
        this.background.push(
          handler(event, { ...context, clientContext: undefined }).catch((e: unknown) => e),
        );
        res.writeHead(202).end();
        return;
      }
      const outcome = await handler(event, context).then(
        (result) => ({ ok: true as const, result }),
        (error: Error) => ({ ok: false as const, error }),
      );
      if (outcome.ok) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(outcome.result ?? null));
      } else {
        // As the Node.js runtime reports an uncaught error: its name and message.
        const { name: errorType, message: errorMessage } = outcome.error;
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
          .end(JSON.stringify({ errorType, errorMessage, trace: [] }));
      }
    })();
  });
}
