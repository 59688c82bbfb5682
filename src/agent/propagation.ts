/**
 * Propagation of the caller context through AWS SDK v3 clients, and call-mode checks, as one `initialize`-step
 * middleware (`aresPropagation`). Inside a wrapped invocation that has a verified context, it adds the token with
 * this function appended to: Lambda `Invoke` (`ClientContext.custom.ares`, merged into an existing one; a payload
 * envelope for `InvocationType: 'Event'`, which drops ClientContext), SQS `SendMessage`/`SendMessageBatch` and SNS
 * `Publish`/`PublishBatch` (`MessageAttributes.ares`), EventBridge `PutEvents` (`Detail._ares`). The user's input
 * object is never mutated. Outside a wrapped invocation the middleware does nothing.
 *
 * Nothing is patched on import: call `instrument(client)` per client, or `autoInstrument([Client, …])` once.
 * The agent has no run-time dependency on the SDK: clients are instrumented structurally.
 */
import { ARESBlocked } from './errors.js';
import { decideCall } from './decide.js';
import { ATTRIBUTE, DETAIL_KEY, ENVELOPE_KEY, openEnvelope } from './requester.js';
import { accessesOf } from './sdkAccess.js';
import { currentInvocation, type InvocationState } from './state.js';
import type { AgentLogger } from './logger.js';

/** Lambda's limit on `ClientContext`: characters of base64. */
export const MAX_CLIENT_CONTEXT = 3583;
/** SQS and SNS accept at most this many message attributes. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MIDDLEWARE_NAME = 'aresPropagation';

type Input = Record<string, unknown>;
interface HandlerArgs {
  input: Input;
  [key: string]: unknown;
}
type Handler = (args: HandlerArgs) => Promise<unknown>;
interface HandlerContext {
  clientName?: string;
  commandName?: string;
}
type Middleware = (next: Handler, context: HandlerContext) => Handler;

/** Any AWS SDK v3 client (it has a smithy middleware stack). */
export interface InstrumentableClient {
  readonly middlewareStack: object;
}

const instrumented = new WeakSet<object>();

/** Adds the ares middleware to one SDK v3 client (idempotent). Returns the client. */
export function instrument<C extends InstrumentableClient>(client: C): C {
  const stack = client.middlewareStack as { add?: unknown };
  if (instrumented.has(client)) return client;
  if (typeof stack.add !== 'function')
    throw new TypeError('instrument: not an AWS SDK v3 client (no middlewareStack.add)');
  (stack.add as (mw: Middleware, options: Record<string, unknown>) => void).call(stack, aresMiddleware, {
    step: 'initialize',
    name: MIDDLEWARE_NAME,
    priority: 'high',
    override: true,
    tags: ['ARES'],
  });
  instrumented.add(client);
  return client;
}

const PATCHED = Symbol.for('ares.autoInstrument');

/**
 * Patches `send` on the prototypes of the given SDK client classes (e.g. `[LambdaClient, SQSClient]`) so that every
 * client of those classes is instrumented on its first call. Pass the classes from the same copy of the SDK the
 * function uses (a bundler may give each function its own). Idempotent; `instrument` is the tested path.
 */
export function autoInstrument(clientClasses: ReadonlyArray<{ prototype: object }>): void {
  for (const cls of clientClasses) {
    const proto = cls.prototype as { send?: unknown; [PATCHED]?: boolean };
    if (proto[PATCHED] === true || typeof proto.send !== 'function') continue;
    const send = proto.send as (this: InstrumentableClient, ...args: unknown[]) => unknown;
    Object.defineProperty(proto, 'send', {
      configurable: true,
      writable: true,
      value: function aresSend(this: InstrumentableClient, ...args: unknown[]): unknown {
        instrument(this);
        return send.apply(this, args);
      },
    });
    Object.defineProperty(proto, PATCHED, { value: true });
  }
}

const aresMiddleware: Middleware = (next, context) => async (args) => {
  const state = currentInvocation();
  if (state === undefined) return next(args);
  const service = (context.clientName ?? '').replace(/Client$/, '');
  const operation = (context.commandName ?? '').replace(/Command$/, '');
  if (state.mode === 'call' && state.origin !== undefined) checkCall(state, service, operation, args.input);
  const inject = INJECTORS[`${service}.${operation}`];
  if (inject === undefined || state.vouch === undefined) return next(args);
  // The hop token names where it goes: a token lifted from this call is refused anywhere else.
  const audience = audienceOf(service, operation, args.input, state);
  const value = audience === undefined ? undefined : await state.vouch(audience);
  if (value === undefined) return next(args);
  const input = inject(args.input, value, state.logger);
  return next(input === args.input ? args : { ...args, input });
};

/** The resource an outgoing call starts the next hop through (function, queue, topic or bus ARN). */
function audienceOf(
  service: string,
  operation: string,
  input: Input,
  state: InvocationState,
): string | undefined {
  const access = accessesOf(service, operation, input, state.scope)[0];
  if (access?.resource !== undefined) return access.resource;
  const named = input.FunctionName ?? input.TopicArn ?? input.QueueUrl;
  return typeof named === 'string' ? named : undefined;
}

/** Call mode: refuse this one call when it performs an access the origin is denied and this function is blocked on. */
function checkCall(state: InvocationState, service: string, operation: string, input: Input): void {
  for (const access of accessesOf(service, operation, input, state.scope)) {
    const blocked = decideCall(state.entry, state.origin, access.action, access.resource);
    if (blocked === undefined) continue;
    const refused = { action: blocked.action, resource: access.resource ?? blocked.resource };
    state.logger.warn('ares blocked a call', {
      origin: state.origin,
      function: state.functionId,
      reason: 'access-blocked',
      ...refused,
      findingId: blocked.findingId,
    });
    throw new ARESBlocked(state.origin, state.functionId, 'access-blocked', undefined, refused);
  }
}

type Injector = (input: Input, value: string, logger: AgentLogger) => Input;

const INJECTORS: Readonly<Record<string, Injector>> = {
  'Lambda.Invoke': injectInvoke,
  'Lambda.InvokeWithResponseStream': injectInvoke,
  'SQS.SendMessage': (input, value, logger) => withAttribute(input, value, logger, 'SQS SendMessage'),
  'SQS.SendMessageBatch': (input, value, logger) =>
    eachEntry(input, 'Entries', (entry) => withAttribute(entry, value, logger, 'SQS SendMessageBatch')),
  'SNS.Publish': (input, value, logger) => withAttribute(input, value, logger, 'SNS Publish'),
  'SNS.PublishBatch': (input, value, logger) =>
    eachEntry(input, 'PublishBatchRequestEntries', (entry) =>
      withAttribute(entry, value, logger, 'SNS PublishBatch'),
    ),
  'EventBridge.PutEvents': (input, value, logger) =>
    eachEntry(input, 'Entries', (e) => withDetail(e, value, logger)),
  'CloudWatchEvents.PutEvents': (input, value, logger) =>
    eachEntry(input, 'Entries', (e) => withDetail(e, value, logger)),
};

function eachEntry(input: Input, key: string, inject: (entry: Input) => Input): Input {
  const entries = input[key];
  if (!Array.isArray(entries)) return input;
  return {
    ...input,
    [key]: entries.map((e: unknown) => (typeof e === 'object' && e !== null ? inject(e as Input) : e)),
  };
}

function withAttribute(input: Input, value: string, logger: AgentLogger, what: string): Input {
  const existing = input.MessageAttributes;
  const attributes = typeof existing === 'object' && existing !== null ? (existing as Input) : {};
  const count = Object.keys(attributes).filter((k) => k !== ATTRIBUTE).length;
  if (count >= MAX_MESSAGE_ATTRIBUTES) {
    logger.warn('ares context not propagated: message already has the maximum of message attributes', {
      call: what,
      attributes: count,
    });
    return input;
  }
  return {
    ...input,
    MessageAttributes: { ...attributes, [ATTRIBUTE]: { DataType: 'String', StringValue: value } },
  };
}

function withDetail(entry: Input, value: string, logger: AgentLogger): Input {
  const detail = entry.Detail;
  let parsed: unknown = {};
  if (typeof detail === 'string') {
    try {
      parsed = JSON.parse(detail);
    } catch {
      parsed = undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    logger.warn('ares context not propagated: EventBridge Detail is not a JSON object', {
      call: 'PutEvents',
    });
    return entry;
  }
  return { ...entry, Detail: JSON.stringify({ ...parsed, [DETAIL_KEY]: value }) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function injectInvoke(input: Input, value: string, logger: AgentLogger): Input {
  const type = input.InvocationType;
  if (type === 'DryRun') return input;
  if (type === 'Event') return withEnvelope(input, value, logger);
  let existing: Input = {};
  if (typeof input.ClientContext === 'string' && input.ClientContext !== '') {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(input.ClientContext, 'base64').toString('utf8'));
      if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
        throw new TypeError('not an object');
      existing = decoded as Input;
    } catch {
      logger.warn('ares context not propagated: the existing ClientContext is not base64 JSON', {
        call: 'Invoke',
      });
      return input;
    }
  }
  const custom =
    typeof existing.custom === 'object' && existing.custom !== null ? (existing.custom as Input) : {};
  const encoded = Buffer.from(
    JSON.stringify({ ...existing, custom: { ...custom, [ATTRIBUTE]: value } }),
  ).toString('base64');
  if (encoded.length > MAX_CLIENT_CONTEXT) {
    logger.warn('ares context not propagated: ClientContext would exceed its limit', {
      call: 'Invoke',
      length: encoded.length,
      limit: MAX_CLIENT_CONTEXT,
    });
    return input;
  }
  return { ...input, ClientContext: encoded };
}

/** Async invokes drop ClientContext: the payload becomes `{"__ares": value, "payload": original}`. */
function withEnvelope(input: Input, value: string, logger: AgentLogger): Input {
  const raw = input.Payload;
  const text =
    raw === undefined
      ? ''
      : typeof raw === 'string'
        ? raw
        : raw instanceof Uint8Array
          ? decoder.decode(raw)
          : undefined;
  let payload: unknown = {};
  if (text === undefined) payload = undefined;
  else if (text.trim() !== '') {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }
  if (payload === undefined) {
    logger.warn('ares context not propagated: the async Invoke payload is not JSON', { call: 'Invoke' });
    return input;
  }
  const inner = openEnvelope(payload);
  const body = JSON.stringify({ [ENVELOPE_KEY]: value, payload: inner ? inner[1] : payload });
  return { ...input, Payload: typeof raw === 'string' ? body : encoder.encode(body) };
}
