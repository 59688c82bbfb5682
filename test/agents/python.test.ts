/**
 * The Python agent (agents/python/ares_agent) against the Node side: tokens signed by `signCallerContext`, a block
 * table derived from the bundled example's scan, decisions taken by a python3 child process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import {
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  readToken,
  signCallerContext,
  signHopToken,
  tokenDigest,
  verifyCallerContext,
} from '../../src/agent/callerContext.js';
import { scanPaths, scanSnapshot } from '../../src/cli/commands/scan.js';
import type { BlockTable } from '../../src/model/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ACCOUNT = '123456789012';
const fn = (name: string): string => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const user = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;

/** The block table `ares scan --save` compiles for the bundled example, with each function's public key. */
function exampleTable(signers: Record<string, string>): BlockTable {
  const snapshot = scanSnapshot(
    scanPaths([join(ROOT, 'examples/estate')], {
      account: ACCOUNT,
      region: 'us-east-1',
      params: {},
      includeImplicit: false,
    }),
    '2026-01-01T00:00:00.000Z',
    signers,
  );
  // An IAM export maps the unique id SQS writes as SenderId.
  snapshot.blockTable.principalIds.AIDAMALLORY000000001 = user('mallory');
  return snapshot.blockTable;
}

interface PythonDecision {
  outcome: 'allow' | 'block';
  origin: string | null;
  reason?: string;
  detail?: string;
  code?: string;
  function?: string;
  event?: unknown;
  /** The hop token the Python agent minted for the next hop (its audience in the case's `vouchFor`). */
  vouched?: string | null;
}

interface PythonOutput {
  decisions: Record<string, PythonDecision>;
  verified: Record<string, { valid: boolean; reason: string | null; origin: string | null }>;
}

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:order-events';

describe('Python agent against Node-signed tokens and the compiled example block table', () => {
  let dir: string;
  let output: PythonOutput;
  let table: BlockTable;
  let tokens: Record<
    | 'u'
    | 'v'
    | 'replayed'
    | 'tampered'
    | 'expired'
    | 'foreign'
    | 'vForConsumer'
    | 'malloryHop'
    | 'vHop'
    | 'posing',
    string
  >;
  const fnKeys = Object.fromEntries(
    ['X', 'order-consumer', 'ledger-writer'].map((name) => [fn(name), generateKeyPair()]),
  );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ares-python-'));
    const signers = Object.fromEntries(
      Object.entries(fnKeys).map(([id, k]) => [
        id,
        createPublicKey(k.publicKeyPem).export({ type: 'spki', format: 'der' }).toString('base64'),
      ]),
    );
    table = exampleTable(signers);
    const keys = generateKeyPair();
    const other = generateKeyPair();
    const key = importPrivateKey(keys.privateKeyPem);
    const root = (origin: string, at: string, options = {}) =>
      signCallerContext({ origin, chain: [fn(at)], version: 'test' }, key, options);
    const hop = (origin: string, issuer: string, audience: string, keyOf = issuer) =>
      signHopToken(
        { origin, chain: [fn(issuer)], version: 'test', issuer: fn(issuer), audience, parent: '' },
        importPrivateKey(fnKeys[fn(keyOf)]!.privateKeyPem),
      );
    const v = root(user('V'), 'X');
    const u = root(user('U'), 'X');
    const [body, signature] = u.split('.') as [string, string];
    const forgedBody = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace('user/U', 'user/V'),
    ).toString('base64url');
    tokens = {
      u,
      v,
      replayed: root(user('V'), 'X'),
      tampered: `${forgedBody}.${signature}`,
      expired: root(user('V'), 'X', { now: Math.floor(Date.now() / 1000) - 3600, ttlSeconds: 60 }),
      foreign: signCallerContext(
        { origin: user('V'), chain: [fn('X')], version: 'test' },
        importPrivateKey(other.privateKeyPem),
      ),
      vForConsumer: root(user('V'), 'order-consumer'),
      malloryHop: hop(user('mallory'), 'order-consumer', TOPIC),
      vHop: hop(user('V'), 'order-consumer', TOPIC),
      posing: hop(user('V'), 'order-consumer', TOPIC, 'X'),
    };
    const tableFile = join(dir, 'ares-block-table.json');
    writeFileSync(tableFile, JSON.stringify(table));
    const apiGateway = (arn: string) => ({ requestContext: { identity: { userArn: arn } }, body: '{}' });
    const sqs = (sender: string, token?: string) => ({
      Records: [
        {
          eventSource: 'aws:sqs',
          body: '{}',
          attributes: { SenderId: sender },
          messageAttributes: token ? { ares: { stringValue: token, dataType: 'String' } } : {},
        },
      ],
    });
    const sns = (token: string) => ({
      Records: [
        { EventSource: 'aws:sns', Sns: { MessageAttributes: { ares: { Type: 'String', Value: token } } } },
      ],
    });
    const at = (name: string) => fn(name);
    const spec = {
      publicKeyPem: keys.publicKeyPem,
      blockTableFile: tableFile,
      signingKeys: Object.fromEntries(Object.entries(fnKeys).map(([id, k]) => [id, k.privateKeyPem])),
      cases: [
        { name: 'U token at X', function: at('X'), event: {}, clientContext: { ares: tokens.u } },
        { name: 'V token at X', function: at('X'), event: {}, clientContext: { ares: tokens.v } },
        {
          name: 'V envelope at X',
          function: at('X'),
          event: { __ares: tokens.replayed, payload: { order: 1 } },
        },
        {
          name: 'V envelope replayed at X',
          function: at('X'),
          event: { __ares: tokens.replayed, payload: {} },
        },
        { name: 'tampered at X', function: at('X'), event: {}, clientContext: { ares: tokens.tampered } },
        { name: 'expired at X', function: at('X'), event: {}, clientContext: { ares: tokens.expired } },
        { name: 'foreign key at X', function: at('X'), event: {}, clientContext: { ares: tokens.foreign } },
        { name: 'no requester at X', function: at('X'), event: {} },
        { name: 'forged API Gateway identity at X', function: at('X'), event: apiGateway(user('V')) },
        {
          name: 'mallory SQS at order-consumer',
          function: at('order-consumer'),
          event: sqs('AIDAMALLORY000000001'),
          vouchFor: TOPIC,
        },
        {
          name: 'mallory borrows V’s hop token at order-consumer',
          function: at('order-consumer'),
          event: sqs('AIDAMALLORY000000001', tokens.vHop),
        },
        {
          name: 'mallory SNS at ledger-writer',
          function: at('ledger-writer'),
          event: sns(tokens.malloryHop),
        },
        { name: 'V SNS at ledger-writer', function: at('ledger-writer'), event: sns(tokens.vHop) },
        {
          name: 'X posing as order-consumer at ledger-writer',
          function: at('ledger-writer'),
          event: sns(tokens.posing),
        },
        {
          name: 'V root token lifted to ledger-writer',
          function: at('ledger-writer'),
          event: {},
          clientContext: { ares: tokens.vForConsumer },
        },
        { name: 'no requester at ledger-writer', function: at('ledger-writer'), event: {} },
        {
          name: 'V token at order-consumer, vouched onward',
          function: at('order-consumer'),
          event: {},
          clientContext: { ares: tokens.vForConsumer },
          vouchFor: TOPIC,
        },
      ],
      verify: { v: tokens.v, tampered: tokens.tampered, expired: tokens.expired, foreign: tokens.foreign },
    };
    const specFile = join(dir, 'cases.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const stdout = execFileSync('python3', [join(ROOT, 'test/agents/decide.py'), specFile], {
      env: { ...process.env, PYTHONPATH: join(ROOT, 'agents/python') },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output = JSON.parse(stdout) as PythonOutput;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the compiled table: U unvouched at X, mallory blocked at ledger-writer, order-consumer upstream of it', () => {
    expect(table.functions[fn('X')]!.unvouched).toEqual([user('U')]);
    expect(Object.keys(table.functions[fn('ledger-writer')]!.blocked)).toEqual([user('mallory')]);
    expect(table.functions[fn('ledger-writer')]!.upstream).toEqual({ [fn('order-consumer')]: [TOPIC] });
  });

  it('blocks U at X and lets V through on root tokens minted for X; a second use is a replay', () => {
    expect(output.decisions['U token at X']).toMatchObject({
      outcome: 'block',
      origin: user('U'),
      function: fn('X'),
      reason: 'origin-blocked',
      code: 'ARES_BLOCKED',
    });
    expect(output.decisions['V token at X']).toMatchObject({ outcome: 'allow', origin: user('V') });
    expect(output.decisions['V envelope at X']).toMatchObject({ outcome: 'allow', event: { order: 1 } });
    expect(output.decisions['V envelope replayed at X']).toMatchObject({
      outcome: 'block',
      reason: 'unvouched-requester',
      detail: 'caller context replayed',
    });
  });

  it('refuses tampered, expired, foreign, missing and forged identities at X', () => {
    expect(output.verified.tampered).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(output.verified.expired).toMatchObject({ valid: false, reason: 'expired' });
    expect(output.verified.foreign).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(output.verified.v).toMatchObject({ valid: true, origin: user('V') });
    for (const [name, why] of [
      ['tampered at X', 'bad-signature'],
      ['expired at X', 'expired'],
      ['foreign key at X', 'bad-signature'],
    ] as const) {
      expect(output.decisions[name]).toMatchObject({
        outcome: 'block',
        origin: null,
        reason: 'unvouched-requester',
        detail: `caller context ${why}`,
      });
    }
    expect(output.decisions['no requester at X']).toMatchObject({ outcome: 'block', origin: null });
    expect(output.decisions['forged API Gateway identity at X']).toMatchObject({
      outcome: 'block',
      origin: null,
    });
  });

  it('follows the event chain: order-consumer vouches for mallory with a hop token Node accepts; ledger-writer blocks her', () => {
    const consumer = output.decisions['mallory SQS at order-consumer']!;
    expect(consumer).toMatchObject({ outcome: 'allow', origin: user('mallory') });
    // The Python agent signed it with order-consumer's key; Node checks it with the public half.
    const vouched = consumer.vouched!;
    const check = verifyCallerContext(vouched, importPublicKey(fnKeys[fn('order-consumer')]!.publicKeyPem));
    expect(check).toMatchObject({
      valid: true,
      context: { origin: user('mallory'), issuer: fn('order-consumer'), audience: TOPIC, parent: '' },
    });
    expect(output.decisions['mallory SNS at ledger-writer']).toMatchObject({
      outcome: 'block',
      origin: user('mallory'),
      function: fn('ledger-writer'),
    });
    expect(output.decisions['V SNS at ledger-writer']).toMatchObject({ outcome: 'allow', origin: user('V') });
    const onward = output.decisions['V token at order-consumer, vouched onward']!;
    expect(readToken(onward.vouched)?.context).toMatchObject({
      origin: user('V'),
      chain: [fn('order-consumer')],
      parent: tokenDigest(tokens.vForConsumer),
    });
  });

  it('refuses borrowed, lifted and posing tokens, and a missing one where mallory can arrive unvouched', () => {
    // SQS names mallory as the sender: V's token in her message's attribute does not make her V.
    expect(output.decisions['mallory borrows V’s hop token at order-consumer']).toMatchObject({
      outcome: 'allow',
      origin: user('mallory'),
    });
    expect(output.decisions['X posing as order-consumer at ledger-writer']).toMatchObject({ origin: null });
    expect(output.decisions['V root token lifted to ledger-writer']).toMatchObject({ origin: null });
    expect(output.decisions['no requester at ledger-writer']).toMatchObject({
      outcome: 'block',
      reason: 'unvouched-requester',
    });
  });
});
