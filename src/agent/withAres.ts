/**
 * `withAres(handler, options)`: wraps a function handler so that, before it runs, the agent extracts the requester,
 * decides from the in-memory block table, and either refuses (`ARESBlocked`; a 403 JSON answer for HTTP functions)
 * or runs the handler inside the invocation's `AsyncLocalStorage` state. One wrapper per platform's handler shape:
 * AWS Lambda `(event, context)` (async) or `(event, context, callback)`; Google Cloud Functions HTTP `(req, res)`
 * and CloudEvent `(cloudEvent)`; Azure Functions v4 `(request, context)`; Alibaba FC `(event, context, callback)`.
 */
import { Agent, type AgentControl, type AresOptions } from './agent.js';
import type { ARESBlocked } from './errors.js';
import {
  extractAlibaba,
  extractAws,
  extractAzureHttp,
  extractAzureTrigger,
  extractCloudEvent,
  extractGcpHttp,
  isAzureHttpRequest,
  type HttpRequestLike,
} from './requester.js';
import { runInvocation } from './state.js';

type AnyHandler = (...args: never[]) => unknown;
type Call = (...args: unknown[]) => unknown;
type Callback = (error: unknown, result?: unknown) => void;

/**
 * The wrapped handler: it takes the platform's arguments (the handler may declare fewer), returns what the handler
 * returns or a promise of it, and carries the agent's controls as `.ares`.
 */
export type AresHandler<H extends AnyHandler> = ((
  ...args: [...Parameters<H>, ...unknown[]]
) => ReturnType<H> | Promise<Awaited<ReturnType<H>>>) & { readonly ares: AgentControl };

export function withAres<H extends AnyHandler>(handler: H, options: AresOptions = {}): AresHandler<H> {
  const agent = new Agent(options);
  const fn = handler as unknown as Call;
  let wrapped: Call;
  switch (agent.platform) {
    case 'aws':
      wrapped = fn.length >= 3 ? awsCallback(agent, fn) : awsAsync(agent, fn);
      break;
    case 'alibaba':
      wrapped = alibaba(agent, fn);
      break;
    case 'gcp-http':
      wrapped = gcpHttp(agent, fn);
      break;
    case 'gcp-cloudevent':
      wrapped = gcpCloudEvent(agent, fn);
      break;
    case 'azure':
      wrapped = azure(agent, fn);
      break;
  }
  Object.defineProperty(wrapped, 'ares', { value: agent, enumerable: false });
  Object.defineProperty(wrapped, 'name', { value: handler.name || 'aresHandler' });
  return wrapped as unknown as AresHandler<H>;
}

/** Async handlers: two parameters, so that runtimes which no longer support callbacks accept the wrapper. */
function awsAsync(agent: Agent, fn: Call): Call {
  return async function aresAws(event: unknown, context: unknown): Promise<unknown> {
    const wait = agent.pending(context);
    if (wait !== undefined) await wait;
    const admission = agent.admit(context, (r) => extractAws(event, context, r));
    if (admission.blocked) throw admission.blocked;
    const late = admission.confirm && (await admission.confirm);
    if (late) throw late;
    return runInvocation(admission.state, () => fn(admission.event, context));
  } as Call;
}

function awsCallback(agent: Agent, fn: Call): Call {
  return function aresAwsCallback(event: unknown, context: unknown, callback: Callback): unknown {
    return whenReady(agent, context, callback, () => {
      const admission = agent.admit(context, (r) => extractAws(event, context, r));
      if (admission.blocked) return callback(admission.blocked);
      return afterConfirm(admission.confirm, callback, () =>
        runInvocation(admission.state, () => fn(admission.event, context, callback)),
      );
    });
  } as Call;
}

function alibaba(agent: Agent, fn: Call): Call {
  return function aresAlibaba(event: unknown, context: unknown, callback: Callback): unknown {
    return whenReady(agent, context, callback, () => {
      const admission = agent.admit(context, (r) => extractAlibaba(event, r));
      if (admission.blocked) return callback(admission.blocked);
      return afterConfirm(admission.confirm, callback, () =>
        runInvocation(admission.state, () => fn(admission.event, context, callback)),
      );
    });
  } as Call;
}

/** Runs `go` now, or once the nonce service confirmed single use (a replay goes to the callback). */
function afterConfirm(
  confirm: Promise<ARESBlocked | undefined> | undefined,
  callback: Callback,
  go: () => unknown,
): unknown {
  if (confirm === undefined) return go();
  confirm.then((late) => (late ? callback(late) : go())).catch((error: unknown) => callback(error));
  return undefined;
}

/** Runs `go` now, or after the cold-start table fetch (a failure of which `go` decides on, per `failClosed`). */
function whenReady(agent: Agent, context: unknown, callback: Callback, go: () => unknown): unknown {
  const wait = agent.pending(context);
  if (wait === undefined) return go();
  wait.then(go).catch((error: unknown) => callback(error));
  return undefined;
}

/** Express-style response (Functions Framework). */
interface ResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

function forbidden(res: ResponseLike, blocked: ARESBlocked): void {
  res.statusCode = 403;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(blocked.toJSON()));
}

function gcpHttp(agent: Agent, fn: Call): Call {
  return async function aresGcpHttp(req: HttpRequestLike, res: ResponseLike): Promise<unknown> {
    const wait = agent.pending(undefined);
    if (wait !== undefined) await wait;
    const admission = agent.admit(undefined, (r) => ({ requesters: [extractGcpHttp(req, r)], event: req }));
    if (admission.blocked) return forbidden(res, admission.blocked);
    const late = admission.confirm && (await admission.confirm);
    if (late) return forbidden(res, late);
    return runInvocation(admission.state, () => fn(req, res));
  } as Call;
}

function gcpCloudEvent(agent: Agent, fn: Call): Call {
  return async function aresGcpCloudEvent(cloudEvent: unknown): Promise<unknown> {
    const wait = agent.pending(undefined);
    if (wait !== undefined) await wait;
    const admission = agent.admit(undefined, (r) => extractCloudEvent(cloudEvent, r));
    if (admission.blocked) throw admission.blocked;
    const late = admission.confirm && (await admission.confirm);
    if (late) throw late;
    return runInvocation(admission.state, () => fn(admission.event));
  } as Call;
}

function azure(agent: Agent, fn: Call): Call {
  return async function aresAzure(input: unknown, context: unknown): Promise<unknown> {
    const wait = agent.pending(context);
    if (wait !== undefined) await wait;
    const http = isAzureHttpRequest(input);
    const admission = agent.admit(context, (r) =>
      http
        ? { requesters: [extractAzureHttp(input, r)], event: input }
        : extractAzureTrigger(input, context, r),
    );
    if (admission.blocked) {
      if (http) return { status: 403, jsonBody: admission.blocked.toJSON() };
      throw admission.blocked;
    }
    const late = admission.confirm && (await admission.confirm);
    if (late) {
      if (http) return { status: 403, jsonBody: late.toJSON() };
      throw late;
    }
    return runInvocation(admission.state, () => fn(admission.event, context));
  } as Call;
}
