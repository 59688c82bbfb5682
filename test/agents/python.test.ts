/**
 * The Python agent (agents/python/ares_agent) against the Node side: tokens signed by `signCallerContext`, a block
 * table derived from the bundled example's scan, decisions taken by a python3 child process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodePropagated,
  generateKeyPair,
  importPrivateKey,
  signCallerContext,
} from '../../src/agent/callerContext.js';
import { main } from '../../src/cli/run.js';
import type { BlockTable, Finding } from '../../src/model/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ACCOUNT = '123456789012';
const fn = (name: string): string => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const user = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;

async function scanFindings(): Promise<Finding[]> {
  let out = '';
  const code = await main(['scan', join(ROOT, 'examples/estate'), '--format', 'json'], {
    out: (text) => (out += text),
    err: () => undefined,
  });
  expect(code).not.toBe(2);
  return (JSON.parse(out) as { findings: Finding[] }).findings;
}

/** Blocks each finding's origin at the function that does the harm (the last function of its path). */
function blockTableOf(findings: Finding[]): BlockTable {
  const table: BlockTable = {
    version: 'test',
    createdAt: new Date(0).toISOString(),
    functions: {},
    functionIds: {},
    principalIds: {},
  };
  const entryOf = (id: string, name: string) => {
    table.functionIds[name] = id;
    return (table.functions[id] ??= { function: id, name, conduit: false, blocked: {} });
  };
  for (const f of findings) {
    const functions = f.path.filter((step) => step.kind === 'function');
    const harm = functions[functions.length - 1]!;
    entryOf(f.entry.id, f.entry.name).conduit = true;
    const blocked = entryOf(harm.id, harm.name).blocked;
    for (const action of f.actions) {
      (blocked[f.principal.id] ??= []).push({
        resource: f.resource.id,
        action,
        denial: f.denial,
        findingId: f.id,
      });
    }
    table.principalIds[f.principal.id] = f.principal.id;
    table.principalIds[f.principal.name] = f.principal.id;
  }
  return table;
}

interface PythonDecision {
  outcome: 'allow' | 'block';
  origin: string | null;
  reason?: string;
  detail?: string;
  code?: string;
  function?: string;
  event?: unknown;
  propagated?: string | null;
}

interface PythonOutput {
  decisions: Record<string, PythonDecision>;
  verified: Record<string, { valid: boolean; reason: string | null; origin: string | null }>;
}

describe('Python agent against Node-signed tokens and the example block table', () => {
  let dir: string;
  let output: PythonOutput;
  let table: BlockTable;
  let tokens: Record<'u' | 'v' | 'mallory' | 'tampered' | 'expired' | 'foreign' | 'hopped', string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ares-python-'));
    table = blockTableOf(await scanFindings());
    const keys = generateKeyPair();
    const other = generateKeyPair();
    const key = importPrivateKey(keys.privateKeyPem);
    const sign = (origin: string, options = {}) =>
      signCallerContext({ origin, chain: [], version: 'test' }, key, options);
    const v = sign(user('V'));
    const [body, signature] = v.split('.') as [string, string];
    const forgedBody = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace('user/V', 'user/W'),
    ).toString('base64url');
    tokens = {
      u: sign(user('U')),
      v,
      mallory: sign(user('mallory')),
      tampered: `${forgedBody}.${signature}`,
      expired: sign(user('V'), { now: Math.floor(Date.now() / 1000) - 3600, ttlSeconds: 60 }),
      foreign: signCallerContext(
        { origin: user('V'), chain: [], version: 'test' },
        importPrivateKey(other.privateKeyPem),
      ),
      hopped: encodePropagated(sign(user('V')), [fn('order-consumer')]),
    };
    const tableFile = join(dir, 'ares-block-table.json');
    writeFileSync(tableFile, JSON.stringify(table));
    const apiGateway = (arn: string) => ({ requestContext: { identity: { userArn: arn } }, body: '{}' });
    const sqs = (token: string) => ({
      Records: [
        {
          eventSource: 'aws:sqs',
          body: '{}',
          attributes: { SenderId: 'AROAFUNCTIONROLE:order-consumer' },
          messageAttributes: { ares: { stringValue: token, dataType: 'String' } },
        },
      ],
    });
    const sns = (token: string) => ({
      Records: [
        { EventSource: 'aws:sns', Sns: { MessageAttributes: { ares: { Type: 'String', Value: token } } } },
      ],
    });
    const spec = {
      publicKeyPem: keys.publicKeyPem,
      blockTableFile: tableFile,
      cases: [
        { name: 'U via API Gateway at X', function: fn('X'), event: apiGateway(user('U')) },
        { name: 'V via API Gateway at X', function: fn('X'), event: apiGateway(user('V')) },
        {
          name: 'U token in ClientContext at X',
          function: fn('X'),
          event: {},
          clientContext: { ares: tokens.u },
        },
        {
          name: 'V token in ClientContext at X',
          function: fn('X'),
          event: {},
          clientContext: { ares: tokens.v },
        },
        { name: 'V envelope at X', function: fn('X'), event: { __ares: tokens.v, payload: { order: 1 } } },
        { name: 'tampered at X', function: fn('X'), event: {}, clientContext: { ares: tokens.tampered } },
        { name: 'expired at X', function: fn('X'), event: {}, clientContext: { ares: tokens.expired } },
        { name: 'foreign key at X', function: fn('X'), event: {}, clientContext: { ares: tokens.foreign } },
        { name: 'no requester at X', function: fn('X'), event: {} },
        { name: 'mallory SQS at order-consumer', function: fn('order-consumer'), event: sqs(tokens.mallory) },
        { name: 'no requester at order-consumer', function: fn('order-consumer'), event: sqs('') },
        { name: 'mallory SNS at ledger-writer', function: fn('ledger-writer'), event: sns(tokens.mallory) },
        { name: 'V SNS at ledger-writer', function: fn('ledger-writer'), event: sns(tokens.hopped) },
      ],
      verify: tokens,
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

  it('derives a table that blocks U at X and mallory at ledger-writer', () => {
    expect(Object.keys(table.functions[fn('X')]!.blocked)).toEqual([user('U')]);
    expect(Object.keys(table.functions[fn('ledger-writer')]!.blocked)).toEqual([user('mallory')]);
    expect(table.functions[fn('order-consumer')]!.conduit).toBe(true);
  });

  it('blocks an origin denied PutItem at function X, from the platform identity and from a token', () => {
    for (const name of ['U via API Gateway at X', 'U token in ClientContext at X']) {
      expect(output.decisions[name]).toMatchObject({
        outcome: 'block',
        origin: user('U'),
        function: fn('X'),
        reason: 'origin-blocked',
        code: 'ARES_BLOCKED',
      });
    }
  });

  it('allows V, who may write DB-1 directly, and strips the envelope', () => {
    expect(output.decisions['V via API Gateway at X']).toMatchObject({ outcome: 'allow', origin: user('V') });
    expect(output.decisions['V token in ClientContext at X']).toMatchObject({
      outcome: 'allow',
      origin: user('V'),
      propagated: `${tokens.v}~${encodeURIComponent(fn('X'))}`,
    });
    expect(output.decisions['V envelope at X']).toMatchObject({ outcome: 'allow', event: { order: 1 } });
  });

  it('rejects tampered, expired and foreign tokens, and blocks them at the conduit X', () => {
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
        reason: 'unknown-requester-at-conduit',
        detail: `caller context ${why}`,
      });
    }
    expect(output.decisions['no requester at X']).toMatchObject({ outcome: 'block', origin: null });
  });

  it('follows the event chain: mallory passes the conduit but is blocked where the ledger is written', () => {
    expect(output.decisions['mallory SQS at order-consumer']).toMatchObject({
      outcome: 'allow',
      origin: user('mallory'),
    });
    expect(output.decisions['no requester at order-consumer']).toMatchObject({ outcome: 'block' });
    expect(output.decisions['mallory SNS at ledger-writer']).toMatchObject({
      outcome: 'block',
      origin: user('mallory'),
      function: fn('ledger-writer'),
    });
    expect(output.decisions['V SNS at ledger-writer']).toMatchObject({
      outcome: 'allow',
      propagated: `${tokens.hopped},${encodeURIComponent(fn('ledger-writer'))}`,
    });
  });
});
