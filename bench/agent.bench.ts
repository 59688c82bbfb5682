/**
 * Added latency of the ares agent per warm invocation: a Lambda handler wrapped with `withAres` against the same
 * handler bare, timed one invocation at a time (process.hrtime.bigint) over BENCH_AGENT_INVOCATIONS invocations
 * (default 100,000) per side, in alternating blocks so drift hits both sides alike. Reports p50 and p99 of each
 * side and the added latency (wrapped minus bare); targets: p50 ≤ 0.05 ms and p99 ≤ 0.5 ms added.
 *
 * Scenarios: (1) platform identity: an API Gateway REST event with IAM auth (`requestContext.identity.userArn`);
 * (2) token verification: a signed caller context in `ClientContext.custom.ares`, a new token every invocation
 * (replay detection on), and one token over and over (replay detection off, `nonceCacheSize: 0`); (3) call mode
 * (`mode: 'call'`): the handler sends one Lambda Invoke through a fake SDK v3 client with the middleware-stack
 * shape and the agent's middleware, which checks the call (bare: the same send on a client without it);
 * (4) propagation: a token in, one Invoke out, the middleware adding the ClientContext.
 *
 * The agent is imported from the build (dist/agent/index.js) at run time; until it exists only the primitive the
 * token path rests on (`verifyCallerContext`, Ed25519 through node:crypto) is measured. A measurement: no asserts.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { cpus } from 'node:os';
import { formatTable } from './formatTable.js';

const INVOCATIONS = Number(process.env.BENCH_AGENT_INVOCATIONS ?? 100_000);
const BLOCKS = 10;
const WARM = Math.min(20_000, INVOCATIONS);
const ACCOUNT = '123456789012';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bench-fn`;
const ALLOWED = `arn:aws:iam::${ACCOUNT}:user/allowed`;
const BLOCKED = `arn:aws:iam::${ACCOUNT}:user/blocked`;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

interface AgentModule {
  withAres(handler: Handler, options: Record<string, unknown>): Handler;
  [name: string]: unknown;
}

interface CallerContextModule {
  signCallerContext(
    fields: { origin: string; chain: string[]; version: string },
    key: KeyObject,
    options?: { ttlSeconds?: number },
  ): string;
  signHopToken(
    fields: {
      origin: string;
      chain: string[];
      version: string;
      issuer: string;
      audience: string;
      parent: string;
    },
    key: KeyObject,
    options?: { ttlSeconds?: number },
  ): string;
  verifyCallerContext(token: unknown, key: KeyObject): { valid: boolean };
}

// ---- A fake AWS SDK v3 client: the middleware stack shape (add/addRelativeTo/use, steps, (next, context) => handler).

type Step = 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';
const STEPS: Step[] = ['initialize', 'serialize', 'build', 'finalizeRequest', 'deserialize'];
type MiddlewareHandler = (args: {
  input: Record<string, unknown>;
}) => Promise<{ output: unknown; response: unknown }>;
type Middleware = (next: MiddlewareHandler, context: Record<string, unknown>) => MiddlewareHandler;

class FakeMiddlewareStack {
  private readonly entries: { middleware: Middleware; step: Step; name?: string }[] = [];
  add(middleware: Middleware, options: { step?: Step; name?: string } = {}): void {
    this.entries.push({
      middleware,
      step: options.step ?? 'initialize',
      ...(options.name ? { name: options.name } : {}),
    });
  }
  addRelativeTo(middleware: Middleware, options: { name?: string } = {}): void {
    this.entries.push({ middleware, step: 'build', ...(options.name ? { name: options.name } : {}) });
  }
  use(plugin: { applyToStack(stack: FakeMiddlewareStack): void }): void {
    plugin.applyToStack(this);
  }
  remove(name: string): boolean {
    const i = this.entries.findIndex((e) => e.name === name);
    if (i >= 0) this.entries.splice(i, 1);
    return i >= 0;
  }
  resolve(terminal: MiddlewareHandler, context: Record<string, unknown>): MiddlewareHandler {
    const ordered = [...this.entries].sort((a, b) => STEPS.indexOf(a.step) - STEPS.indexOf(b.step));
    let handler = terminal;
    for (let i = ordered.length - 1; i >= 0; i--) handler = ordered[i]!.middleware(handler, context);
    return handler;
  }
}

class InvokeCommand {
  constructor(readonly input: Record<string, unknown>) {}
}

class FakeLambdaClient {
  readonly middlewareStack = new FakeMiddlewareStack();
  readonly config = { serviceId: 'Lambda', region: async () => 'us-east-1' };
  sent: Record<string, unknown> | undefined;
  async send(command: InvokeCommand): Promise<unknown> {
    const handler = this.middlewareStack.resolve(
      async (args) => {
        this.sent = args.input;
        return { output: { StatusCode: 200 }, response: { statusCode: 200 } };
      },
      { clientName: 'LambdaClient', commandName: 'InvokeCommand' },
    );
    return (await handler({ input: command.input })).output;
  }
}

/** Puts the agent's propagation on a client, whichever shape the agent exports it in; the name used, or undefined. */
function attachPropagation(agent: AgentModule, client: FakeLambdaClient): string | undefined {
  for (const name of ['instrument', 'instrumentClient', 'addAresMiddleware', 'aresPlugin']) {
    const fn = agent[name];
    if (typeof fn !== 'function') continue;
    const result = (fn as (c: unknown) => unknown)(client);
    if (result && typeof (result as { applyToStack?: unknown }).applyToStack === 'function') {
      client.middlewareStack.use(result as { applyToStack(stack: FakeMiddlewareStack): void });
    }
    return name;
  }
  for (const name of ['aresMiddleware', 'propagationMiddleware', 'createPropagationMiddleware']) {
    const factory = agent[name];
    if (typeof factory !== 'function') continue;
    const made = (factory as () => unknown)();
    const middleware = (typeof made === 'function' ? made : factory) as Middleware;
    client.middlewareStack.add(middleware, { step: 'initialize', name: 'ares' });
    return name;
  }
  return undefined;
}

// ---- Measurement

interface Percentiles {
  p50: number;
  p99: number;
}

function percentiles(samples: Float64Array): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Times `count` calls of `call(i)`, one at a time, in ms. */
async function timeCalls(
  call: (i: number) => Promise<unknown>,
  count: number,
  into: Float64Array,
  offset: number,
) {
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call(offset + i);
    into[offset + i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
}

async function compare(
  bare: (i: number) => Promise<unknown>,
  wrapped: (i: number) => Promise<unknown>,
): Promise<{ bare: Percentiles; wrapped: Percentiles }> {
  for (let i = 0; i < WARM; i++) {
    await bare(i);
    await wrapped(i);
  }
  const bareSamples = new Float64Array(INVOCATIONS);
  const wrappedSamples = new Float64Array(INVOCATIONS);
  const block = Math.ceil(INVOCATIONS / BLOCKS);
  for (let offset = 0; offset < INVOCATIONS; offset += block) {
    const n = Math.min(block, INVOCATIONS - offset);
    await timeCalls(bare, n, bareSamples, offset);
    await timeCalls(wrapped, n, wrappedSamples, offset);
  }
  return { bare: percentiles(bareSamples), wrapped: percentiles(wrappedSamples) };
}

const ms = (x: number): string => x.toFixed(4);

function resultRow(name: string, r: { bare: Percentiles; wrapped: Percentiles }): string[] {
  const addedP50 = r.wrapped.p50 - r.bare.p50;
  const addedP99 = r.wrapped.p99 - r.bare.p99;
  const ok = addedP50 <= 0.05 && addedP99 <= 0.5 ? 'yes' : 'NO';
  return [
    name,
    ms(r.bare.p50),
    ms(r.bare.p99),
    ms(r.wrapped.p50),
    ms(r.wrapped.p99),
    ms(addedP50),
    ms(addedP99),
    `${(r.wrapped.p50 / r.bare.p50).toFixed(1)}x`,
    ok,
  ];
}

const HEADER = [
  'scenario (ms)',
  'bare p50',
  'bare p99',
  'ares p50',
  'ares p99',
  '+p50',
  '+p99',
  'p50 ratio',
  'target',
];

const UPSTREAM_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bench-upstream`;

/**
 * `dependsOnTruth`: an origin blocked here can arrive unvouched, so a token's claim must be checked before it is
 * believed (the conduit case); otherwise a claim of an unblocked origin is allowed unchecked (verify lazily).
 */
function blockTable(dependsOnTruth = false, upstreamKey?: string): Record<string, unknown> {
  const access = [
    {
      resource: 'arn:aws:dynamodb:us-east-1:1:table/t',
      action: 'dynamodb:PutItem',
      denial: 'explicit',
      findingId: 'ARES-1',
    },
  ];
  return {
    version: 'bench',
    createdAt: new Date(0).toISOString(),
    functions: {
      [FUNCTION_ARN]: {
        function: FUNCTION_ARN,
        name: 'bench-fn',
        conduit: true,
        blocked: { [BLOCKED]: access },
        unvouched: dependsOnTruth ? [BLOCKED] : [],
        eventClaims: true,
        upstream: { [UPSTREAM_ARN]: [FUNCTION_ARN] },
      },
    },
    functionIds: { 'bench-fn': FUNCTION_ARN },
    principalIds: { [ALLOWED]: ALLOWED, [BLOCKED]: BLOCKED, allowed: ALLOWED, blocked: BLOCKED },
    ...(upstreamKey !== undefined ? { signers: { [UPSTREAM_ARN]: upstreamKey } } : {}),
  };
}

function lambdaContext(clientContext?: unknown): Record<string, unknown> {
  return {
    functionName: 'bench-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: FUNCTION_ARN,
    memoryLimitInMB: '1024',
    awsRequestId: 'bench',
    ...(clientContext ? { clientContext } : {}),
  };
}

export async function run(): Promise<void> {
  console.log(
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); ${INVOCATIONS} invocations per side`,
  );
  const dist = new URL('../dist/', import.meta.url);
  const cc = (await import(new URL('agent/callerContext.js', dist).href)) as CallerContextModule;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const sign = (origin: string): string =>
    cc.signCallerContext({ origin, chain: [FUNCTION_ARN], version: 'bench' }, privateKey, {
      ttlSeconds: 3600,
    });
  // Each function's own key: the upstream function's signs hop tokens to bench-fn; bench-fn's signs onward.
  const upstream = generateKeyPairSync('ed25519');
  const upstreamDer = upstream.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const ownKey = generateKeyPairSync('ed25519').privateKey;
  const signHop = (origin: string): string =>
    cc.signHopToken(
      {
        origin,
        chain: [UPSTREAM_ARN],
        version: 'bench',
        issuer: UPSTREAM_ARN,
        audience: FUNCTION_ARN,
        parent: '',
      },
      upstream.privateKey,
      { ttlSeconds: 3600 },
    );
  const token = sign(ALLOWED);

  const rows: string[][] = [HEADER];
  const noop = async (): Promise<undefined> => undefined;
  rows.push(
    resultRow(
      'primitive: verifyCallerContext (node:crypto Ed25519)',
      await compare(noop, async () => cc.verifyCallerContext(token, publicKey)),
    ),
  );

  let agent: AgentModule | undefined;
  try {
    agent = (await import(new URL('agent/index.js', dist).href)) as AgentModule;
    if (typeof agent.withAres !== 'function') throw new Error('dist/agent/index.js exports no withAres');
  } catch (error) {
    console.log(`agent not measured: ${(error as Error).message.split('\n')[0]} (build it: npm run build)`);
  }

  if (agent) {
    const logger = { warn: () => undefined, error: () => undefined };
    const options = { platform: 'aws', blockTable: blockTable(), publicKeyPem, logger };
    const bareHandler: Handler = async () => ({ statusCode: 200 });
    const wrapped = agent.withAres(bareHandler, options);
    const apiEvent = {
      resource: '/',
      httpMethod: 'POST',
      body: '{}',
      requestContext: { identity: { userArn: ALLOWED } },
    };
    const ctx = lambdaContext();
    rows.push(
      resultRow(
        'platform identity (API Gateway IAM)',
        await compare(
          () => bareHandler(apiEvent, ctx),
          () => wrapped(apiEvent, ctx),
        ),
      ),
    );
    // Every invocation carries a root token never seen before (as /v1/invoke mints them). Where nothing depends
    // on its truth (the claimed origin is not blocked here, and no blocked origin arrives unvouched) it is not
    // checked; where something does (a conduit), it is verified and its nonce recorded.
    const fresh = Array.from({ length: INVOCATIONS + WARM }, () =>
      lambdaContext({ custom: { ares: sign(ALLOWED) } }),
    );
    let next = 0;
    const lazy = agent.withAres(bareHandler, options);
    rows.push(
      resultRow(
        'root token, each one new; decision does not depend on it (lazy)',
        await compare(
          () => bareHandler({}, fresh[0]),
          () => lazy({}, fresh[next++ % fresh.length]),
        ),
      ),
    );
    const strictOptions = { ...options, blockTable: blockTable(true) };
    const strict = agent.withAres(bareHandler, strictOptions);
    const freshStrict = Array.from({ length: INVOCATIONS + WARM }, () =>
      lambdaContext({ custom: { ares: sign(ALLOWED) } }),
    );
    next = 0;
    rows.push(
      resultRow(
        'root token, each one new; decision depends on it (verify + nonce)',
        await compare(
          () => bareHandler({}, freshStrict[0]),
          () => strict({}, freshStrict[next++ % freshStrict.length]),
        ),
      ),
    );
    // A hop token from the upstream function, each one new, checked against its issuer's key from the table.
    const hopOptions = { ...options, blockTable: blockTable(true, upstreamDer) };
    const hopWrapped = agent.withAres(bareHandler, hopOptions);
    const freshHops = Array.from({ length: INVOCATIONS + WARM }, () =>
      lambdaContext({ custom: { ares: signHop(ALLOWED) } }),
    );
    next = 0;
    rows.push(
      resultRow(
        'hop token, each one new; decision depends on it (verify)',
        await compare(
          () => bareHandler({}, freshHops[0]),
          () => hopWrapped({}, freshHops[next++ % freshHops.length]),
        ),
      ),
    );
    const token = sign(ALLOWED);
    const tokenCtx = lambdaContext({ custom: { ares: token } });
    const wrappedSame = agent.withAres(bareHandler, { ...options, nonceCacheSize: 0 });
    rows.push(
      resultRow(
        'root token, same one (replay check off)',
        await compare(
          () => bareHandler({}, tokenCtx),
          () => wrappedSame({}, tokenCtx),
        ),
      ),
    );
    const payload = new TextEncoder().encode('{"order":1}');
    const invoke = (client: FakeLambdaClient) => () =>
      client.send(new InvokeCommand({ FunctionName: 'next', Payload: payload }));
    const plainClient = new FakeLambdaClient();
    const callClient = new FakeLambdaClient();
    const attached = attachPropagation(agent, callClient);
    if (attached === undefined)
      console.log('no propagation middleware export recognised; the client is left bare');
    const callMode = agent.withAres(invoke(callClient), { ...options, mode: 'call' });
    const bareCalling = invoke(plainClient);
    rows.push(
      resultRow(
        'call mode: one Lambda Invoke checked by the middleware',
        await compare(
          () => bareCalling(),
          () => callMode(apiEvent, ctx),
        ),
      ),
    );
    // A hop: a new root token in, verified before it is vouched for, and a hop token minted with this function's
    // own key for the Lambda Invoke out (ClientContext). Bare: the same Invoke with no agent.
    const propagatingClient = new FakeLambdaClient();
    attachPropagation(agent, propagatingClient);
    const propagating = agent.withAres(invoke(propagatingClient), { ...options, signingKey: ownKey });
    const freshHop = Array.from({ length: INVOCATIONS + WARM }, () =>
      lambdaContext({ custom: { ares: sign(ALLOWED) } }),
    );
    next = 0;
    rows.push(
      resultRow(
        'a hop: new token in, hop token minted for one Invoke out',
        await compare(
          () => bareCalling(),
          () => propagating({}, freshHop[next++ % freshHop.length]),
        ),
      ),
    );
    const sent = propagatingClient.sent?.ClientContext;
    console.log(
      `SDK middleware attached with ${attached ?? 'nothing'}; propagated ClientContext ${typeof sent === 'string' ? `${sent.length} characters of base64` : 'NOT SET'}`,
    );
  }
  console.log(`\n${formatTable(rows)}`);
  console.log('\n+p50/+p99: wrapped minus bare; target: +p50 <= 0.05 ms and +p99 <= 0.5 ms');
}
