/**
 * Forwarding an allowed invocation to the function, with a freshly minted caller context: to AWS Lambda through
 * `InvokeCommand` with `ClientContext` = base64 `{"custom":{"ares":"<token>"}}`, or to an HTTP function by POST
 * with the `x-ares-context` header. The function's answer (status, body, content type) comes back as it is.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';

export type InvokeTarget =
  { kind: 'http'; url: string } | { kind: 'lambda'; functionName: string; region?: string };

export interface FunctionAnswer {
  status: number;
  body: Uint8Array;
  contentType?: string;
  /** Lambda's `FunctionError` (`Unhandled`, `Handled`) when the function failed. */
  functionError?: string;
}

export interface InvokeForwarder {
  forward(
    target: InvokeTarget,
    payload: Uint8Array,
    contentType: string | null,
    context: string,
  ): Promise<FunctionAnswer>;
}

/** The header an HTTP function reads the caller context from. */
export const CONTEXT_HEADER = 'x-ares-context';

/** Lambda's limit on `ClientContext` (characters of base64). */
export const MAX_CLIENT_CONTEXT = 3583;

/** The forwarder could not reach the function or could not hand it the context. */
export class ForwardError extends Error {
  override readonly name = 'ForwardError';
}

export function lambdaClientContext(token: string): string {
  const encoded = Buffer.from(JSON.stringify({ custom: { ares: token } })).toString('base64');
  if (encoded.length > MAX_CLIENT_CONTEXT)
    throw new ForwardError(
      `caller context of ${encoded.length} base64 characters exceeds ${MAX_CLIENT_CONTEXT}`,
    );
  return encoded;
}

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:([^:]+):\d*:function:[^:]+/;

/** Lambda ARNs go to Lambda; everything else needs `functions.<name>.url` in the config. */
export function lambdaTarget(functionId: string): InvokeTarget | undefined {
  const match = LAMBDA_ARN.exec(functionId);
  if (!match) return undefined;
  return match[1]
    ? { kind: 'lambda', functionName: functionId, region: match[1] }
    : { kind: 'lambda', functionName: functionId };
}

/** Lambda client settings from the environment: `ARES_LAMBDA_ENDPOINT`, `AWS_REGION`, the usual credentials. */
export interface LambdaEnv {
  ARES_LAMBDA_ENDPOINT?: string;
  AWS_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
}

export function createInvokeForwarder(env: LambdaEnv = process.env): InvokeForwarder {
  const clients = new Map<string, Promise<LambdaClient>>();

  // The SDK is loaded on first use: a server that only forwards to HTTP functions never needs it.
  const lambdaClient = (region: string | undefined): Promise<LambdaClient> => {
    const key = env.AWS_REGION ?? region ?? 'us-east-1';
    let client = clients.get(key);
    if (!client) {
      client = import('@aws-sdk/client-lambda').then(
        ({ LambdaClient: Client }) =>
          new Client({
            region: key,
            ...(env.ARES_LAMBDA_ENDPOINT ? { endpoint: env.ARES_LAMBDA_ENDPOINT } : {}),
            ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
              ? {
                  credentials: {
                    accessKeyId: env.AWS_ACCESS_KEY_ID,
                    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
                    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
                  },
                }
              : {}),
          }),
      );
      clients.set(key, client);
    }
    return client;
  };

  const forwardLambda = async (
    target: Extract<InvokeTarget, { kind: 'lambda' }>,
    payload: Uint8Array,
    context: string,
  ): Promise<FunctionAnswer> => {
    const clientContext = lambdaClientContext(context);
    const client = await lambdaClient(target.region);
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    try {
      const output = await client.send(
        new InvokeCommand({
          FunctionName: target.functionName,
          InvocationType: 'RequestResponse',
          ClientContext: clientContext,
          ...(payload.length > 0 ? { Payload: payload } : {}),
        }),
      );
      const answer: FunctionAnswer = {
        // A function that threw still answers 200 at the API; report it as a bad gateway with its error body.
        status: output.FunctionError ? 502 : (output.StatusCode ?? 200),
        body: output.Payload ?? new Uint8Array(),
        contentType: 'application/json',
      };
      if (output.FunctionError) answer.functionError = output.FunctionError;
      return answer;
    } catch (error) {
      throw new ForwardError(
        `Lambda Invoke of ${target.functionName} failed: ${error instanceof Error ? error.name : 'error'}`,
      );
    }
  };

  const forwardHttp = async (
    url: string,
    payload: Uint8Array,
    contentType: string | null,
    context: string,
  ): Promise<FunctionAnswer> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType ?? 'application/json', [CONTEXT_HEADER]: context },
        body: payload,
      });
    } catch (error) {
      throw new ForwardError(
        `POST to ${new URL(url).origin} failed: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
    const answer: FunctionAnswer = {
      status: response.status,
      body: new Uint8Array(await response.arrayBuffer()),
    };
    const type = response.headers.get('content-type');
    if (type) answer.contentType = type;
    return answer;
  };

  return {
    forward: (target, payload, contentType, context) =>
      target.kind === 'lambda'
        ? forwardLambda(target, payload, context)
        : forwardHttp(target.url, payload, contentType, context),
  };
}
