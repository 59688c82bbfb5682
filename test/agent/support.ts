/** Shared test data for the agent: a test key pair, a block table for the bundled example, token and context helpers. */
import type { BlockTable } from '../../src/model/blockTable.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  encodePropagated,
  generateKeyPair,
  importPrivateKey,
  signCallerContext,
  signHopToken,
} from '../../src/agent/callerContext.js';
import type { AgentLogger } from '../../src/agent/index.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const fnArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
export const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const tableArn = (name: string): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;

export const X = fnArn('X');
export const LEDGER_WRITER = fnArn('ledger-writer');
export const ORDER_CONSUMER = fnArn('order-consumer');
export const U = userArn('U');
export const V = userArn('V');
export const MALLORY = userArn('mallory');
export const ORDER_EVENTS = `arn:aws:sns:${REGION}:${ACCOUNT}:order-events`;
export const ORDERS_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;
/** A function (not in the estate's findings) that sends to the orders queue. */
export const ORDER_PRODUCER = fnArn('order-producer');

const KEYS = generateKeyPair();
export const PUBLIC_KEY = KEYS.publicKeyPem;
const PRIVATE_KEY = importPrivateKey(KEYS.privateKeyPem);
const FOREIGN_KEY = importPrivateKey(generateKeyPair().privateKeyPem);

/** Each function's own key pair, as `ares keys --functions` makes them. */
const FUNCTION_KEYS = new Map(
  [X, ORDER_CONSUMER, LEDGER_WRITER, ORDER_PRODUCER].map((id) => {
    const pair = generateKeyPair();
    return [
      id,
      {
        privateKeyPem: pair.privateKeyPem,
        privateKey: importPrivateKey(pair.privateKeyPem),
        publicKeyPem: pair.publicKeyPem,
      },
    ];
  }),
);

/** The private key (PEM) of a function's agent. */
export function functionKeyPem(id: string): string {
  return FUNCTION_KEYS.get(id)!.privateKeyPem;
}

export function signersOf(): Record<string, string> {
  return Object.fromEntries(
    [...FUNCTION_KEYS].map(([id, k]) => [
      id,
      createPublicKey(k.publicKeyPem).export({ type: 'spki', format: 'der' }).toString('base64'),
    ]),
  );
}

/** A hop token: `issuer`'s agent vouching for `origin` on the hop to `audience`. */
export function mintHop(
  origin: string,
  options: { issuer?: string; audience?: string; key?: KeyObject; now?: number; ttlSeconds?: number } = {},
): string {
  const issuer = options.issuer ?? X;
  return signHopToken(
    {
      origin,
      chain: [issuer],
      version: 'v-test',
      issuer,
      audience: options.audience ?? LEDGER_WRITER,
      parent: '',
    },
    options.key ?? FUNCTION_KEYS.get(issuer)!.privateKey,
    {
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
    },
  );
}

/** A root caller context for `origin`, as `ares serve` would mint it for an invocation of `chain[0]` (default X). */
export function mint(
  origin: string,
  options: { now?: number; ttlSeconds?: number; foreign?: boolean; chain?: string[] } = {},
): string {
  return signCallerContext(
    { origin, chain: options.chain ?? [X], version: 'v-test' },
    options.foreign ? FOREIGN_KEY : PRIVATE_KEY,
    {
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
    },
  );
}

export { encodePropagated };

const blocked = (resource: string, actions: string[], findingId: string) =>
  actions.map((action) => ({ resource, action, denial: 'explicit' as const, findingId }));

/** The example estate's table, by hand: U blocked at X; mallory blocked at ledger-writer; X and order-consumer conduits. */
export function exampleTable(): BlockTable {
  return {
    version: 'v-hand',
    createdAt: '2026-01-01T00:00:00.000Z',
    functions: {
      [X]: {
        function: X,
        name: 'X',
        conduit: true,
        blocked: { [U]: blocked(tableArn('DB-1'), ['dynamodb:PutItem', 'dynamodb:UpdateItem'], 'ARES-x') },
        // U may invoke X directly and is blocked there: U can arrive unvouched, and could write any claim.
        unvouched: [U],
        eventClaims: false,
        upstream: {},
      },
      [ORDER_CONSUMER]: {
        function: ORDER_CONSUMER,
        name: 'order-consumer',
        conduit: true,
        blocked: {},
        unvouched: [],
        eventClaims: true,
        upstream: { [ORDER_PRODUCER]: [ORDERS_QUEUE] },
      },
      [LEDGER_WRITER]: {
        function: LEDGER_WRITER,
        name: 'ledger-writer',
        conduit: false,
        blocked: {
          [MALLORY]: blocked(tableArn('ledger'), ['dynamodb:PutItem', 'dynamodb:UpdateItem'], 'ARES-l'),
        },
        // Mallory reaches it only through order-consumer, which identifies her by SenderId and vouches.
        unvouched: [],
        eventClaims: true,
        upstream: { [ORDER_CONSUMER]: [ORDER_EVENTS], [X]: [LEDGER_WRITER] },
      },
    },
    functionIds: {
      X,
      [X]: X,
      'order-consumer': ORDER_CONSUMER,
      [ORDER_CONSUMER]: ORDER_CONSUMER,
      'ledger-writer': LEDGER_WRITER,
      [LEDGER_WRITER]: LEDGER_WRITER,
    },
    principalIds: {
      U,
      V,
      mallory: MALLORY,
      [U]: U,
      [V]: V,
      [MALLORY]: MALLORY,
      AIDAMALLORY0000000000: MALLORY,
      AROAPRODUCER000000000: roleArn('ProducerRole'),
      [roleArn('ProducerRole')]: roleArn('ProducerRole'),
      [`arn:aws:sts::${ACCOUNT}:assumed-role/ProducerRole`]: roleArn('ProducerRole'),
      'alice@example.com': 'user:alice@example.com',
      '00000000-0000-0000-0000-00000000a11c': 'entra:alice',
    },
    signers: signersOf(),
  };
}

/** A Lambda-shaped context for a function of the example account. */
export function lambdaContext(name: string, clientContext?: unknown): Record<string, unknown> {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `${fnArn(name)}:live`,
    memoryLimitInMB: '128',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    ...(clientContext !== undefined ? { clientContext } : {}),
  };
}

export interface LogLine {
  level: 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps what it is told. */
export function captureLogger(): AgentLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
  };
}

/** Base options for AWS tests: the example table, the test key, a quiet logger. */
export function awsOptions(extra: Record<string, unknown> = {}) {
  return {
    platform: 'aws' as const,
    blockTable: exampleTable(),
    publicKey: PUBLIC_KEY,
    logger: captureLogger(),
    env: {},
    ...extra,
  };
}
