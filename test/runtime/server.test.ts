/** `ares serve`: authentication, decisions, block-table distribution, metrics and the audit log, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePropagated, signCallerContext } from '../../src/agent/callerContext.js';
import { API_TOKEN, ids, newKeys, startTestServer, type TestServer } from './serverHarness.js';
import { NO_REQUESTER_UNVOUCHED } from '../../src/runtime/decide.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

interface DecideAnswer {
  decision: 'allow' | 'block';
  reason: string;
  version: string;
  function: string | null;
  origin: string | null;
  requester: string;
  path?: { name: string }[];
  blockPoint?: string;
  findings?: string[];
}

async function decide(body: Record<string, unknown>): Promise<DecideAnswer> {
  const response = await t.post('/v1/decide', body);
  expect(response.status).toBe(200);
  return (await response.json()) as DecideAnswer;
}

function tokenFor(origin: string, chain: string[] = [], key = t.keys.privateKey, now?: number): string {
  return signCallerContext(
    { origin, chain, version: t.profiles.current().version },
    key,
    now === undefined ? {} : { now },
  );
}

describe('authentication', () => {
  it('answers 401 without a bearer token', async () => {
    const response = await t.post('/v1/decide', { function: 'X' }, {});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ error: 'Unauthorized' });
  });

  it('answers 401 with a wrong token, on every /v1 path, /mcp and /metrics', async () => {
    const wrong = { authorization: `Bearer ${API_TOKEN}x` };
    expect((await t.post('/v1/decide', { function: 'X' }, wrong)).status).toBe(401);
    expect((await t.get('/v1/block-table/X', wrong)).status).toBe(401);
    expect((await t.get('/v1/no-such-route', wrong)).status).toBe(401);
    expect((await t.get('/mcp', wrong)).status).toBe(401);
    expect((await t.get('/metrics', wrong)).status).toBe(401);
  });

  it('accepts the configured token, and the scheme in any case', async () => {
    const response = await t.post('/v1/decide', { function: 'X' }, { authorization: `bearer ${API_TOKEN}` });
    expect(response.status).toBe(200);
  });

  it('serves /healthz without a token, with the profile version', async () => {
    const response = await t.get('/healthz', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', version: t.profiles.current().version });
  });
});

describe('POST /v1/decide', () => {
  it('blocks U at X, naming the denied accesses, the finding and the path', async () => {
    const answer = await decide({ function: 'X', principal: 'U' });
    expect(answer).toMatchObject({ decision: 'block', origin: ids.U, function: ids.X, blockPoint: ids.X });
    expect(answer.reason).toMatch(/^U is denied .*dynamodb:PutItem.* on DB-1/);
    expect(answer.reason).toMatch(/ARES-[0-9a-f]+/);
    expect(answer.findings).toHaveLength(1);
    expect(answer.path?.map((s) => s.name)).toEqual(['U', 'X', 'DB-1']);
    expect(answer.version).toBe(t.profiles.current().version);
  });

  it('allows V at X', async () => {
    const answer = await decide({ function: ids.X, principal: ids.V });
    expect(answer).toMatchObject({ decision: 'allow', origin: ids.V });
  });

  it('resolves a role session ARN and a function by qualified ARN', async () => {
    const answer = await decide({
      function: `${ids.X}:live`,
      // SAM's role for OrderConsumer, as CloudFormation names it in stack `estate`: the profile knows it as
      // `estate-OrderConsumerRole-*`, the deployed session carries the generated suffix.
      principal: `arn:aws:sts::123456789012:assumed-role/estate-OrderConsumerRole-1A2B3C4D5E6F/session-1`,
    });
    expect(answer).toMatchObject({
      decision: 'allow',
      function: ids.X,
      origin: 'arn:aws:iam::123456789012:role/estate-OrderConsumerRole-*',
    });
  });

  it('blocks mallory with a valid token at ledger-writer and allows her at order-consumer', async () => {
    const token = tokenFor(ids.mallory, [ids.orderConsumer]);
    const atWriter = await decide({
      function: 'ledger-writer',
      token: encodePropagated(token, ['order-events']),
    });
    expect(atWriter).toMatchObject({ decision: 'block', origin: ids.mallory, requester: 'token' });
    expect(atWriter.reason).toContain('ledger');
    expect(atWriter.path?.map((s) => s.name)).toEqual([
      'mallory',
      'orders',
      'order-consumer',
      'order-events',
      'ledger-writer',
      'ledger',
    ]);
    const atConsumer = await decide({ function: 'order-consumer', token });
    expect(atConsumer).toMatchObject({ decision: 'allow', origin: ids.mallory });
  });

  it('takes the identity API Gateway verified from the event where no blocked origin may invoke directly', async () => {
    const rest = await decide({
      function: 'ledger-writer',
      event: { requestContext: { identity: { userArn: ids.mallory } } },
    });
    expect(rest).toMatchObject({ decision: 'block', origin: ids.mallory, requester: 'event' });
    const http = await decide({
      function: 'ledger-writer',
      event: { requestContext: { authorizer: { iam: { userArn: ids.V } } } },
    });
    expect(http).toMatchObject({ decision: 'allow', origin: ids.V, requester: 'event' });
  });

  it('takes an identity in the event for a claim at X, where U may invoke directly and write any payload', async () => {
    const forged = await decide({
      function: 'X',
      event: { requestContext: { identity: { userArn: ids.V } } },
    });
    expect(forged).toMatchObject({ decision: 'block', origin: null, requester: 'none' });
  });

  it('prefers a valid token over a claimed principal', async () => {
    const answer = await decide({ function: 'X', token: tokenFor(ids.U), principal: 'V' });
    expect(answer).toMatchObject({ decision: 'block', origin: ids.U, requester: 'token' });
  });

  describe('a token that does not verify counts as none', () => {
    const cases: [string, () => string][] = [
      [
        'tampered',
        () => {
          const [body, signature] = tokenFor(ids.V).split('.');
          const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { o: string };
          payload.o = ids.mallory;
          return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
        },
      ],
      ['expired', () => tokenFor(ids.V, [], t.keys.privateKey, Math.floor(Date.now() / 1000) - 3600)],
      ['signed by a foreign key', () => tokenFor(ids.V, [], newKeys().privateKey)],
    ];
    for (const [name, make] of cases) {
      it(`${name}: blocked where a blocked origin arrives unvouched (X, ledger-writer), allowed at order-consumer`, async () => {
        const token = make();
        const atX = await decide({ function: 'X', token });
        expect(atX).toMatchObject({
          decision: 'block',
          reason: NO_REQUESTER_UNVOUCHED,
          origin: null,
          requester: 'none',
        });
        // mallory's SQS SenderId is not mapped in this estate: she can reach ledger-writer unvouched.
        expect(await decide({ function: 'ledger-writer', token })).toMatchObject({ decision: 'block' });
        const atConsumer = await decide({ function: 'order-consumer', token });
        expect(atConsumer).toMatchObject({ decision: 'allow', origin: null });
        expect(JSON.stringify(atX)).not.toContain(token);
        expect(t.logs.some((line) => line.startsWith('caller context rejected ('))).toBe(true);
        expect(t.logs.join('\n')).not.toContain(token);
      });
    }
  });

  it('blocks an unknown requester where a blocked origin can arrive unvouched, and allows it elsewhere', async () => {
    expect(await decide({ function: 'ledger-writer' })).toMatchObject({
      decision: 'block',
      reason: NO_REQUESTER_UNVOUCHED,
      blockPoint: ids.ledgerWriter,
    });
    // order-consumer is a conduit, but nothing is blocked there: whoever arrives, the harm is refused downstream.
    expect(await decide({ function: 'order-consumer' })).toMatchObject({ decision: 'allow', origin: null });
  });

  it('blocks an unknown function by default', async () => {
    expect(await decide({ function: 'not-in-profile', principal: 'V' })).toMatchObject({
      decision: 'block',
      reason: 'unknown function',
      function: null,
    });
  });

  it('allows an unknown function when configured to', async () => {
    const open = await startTestServer({ unknownFunction: 'allow' });
    try {
      const response = await open.post('/v1/decide', { function: 'not-in-profile' });
      expect(await response.json()).toMatchObject({ decision: 'allow', reason: 'unknown function' });
    } finally {
      await open.close();
    }
  });

  it('answers 400 for a body without a function', async () => {
    const response = await t.post('/v1/decide', { principal: 'U' });
    expect(response.status).toBe(400);
    expect((await t.post('/v1/decide', 'not json')).status).toBe(400);
  });
});

describe('GET /v1/block-table/{function}', () => {
  it("returns the function's slice with the version as ETag, and 304 when unchanged", async () => {
    const version = t.profiles.current().version;
    const response = await t.get('/v1/block-table/X');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${version}"`);
    const slice = (await response.json()) as {
      version: string;
      function: { function: string; conduit: boolean; blocked: Record<string, unknown[]> };
      principalIds: Record<string, string>;
    };
    expect(slice.version).toBe(version);
    expect(slice.function).toMatchObject({ function: ids.X, conduit: true });
    expect(Object.keys(slice.function.blocked)).toEqual([ids.U]);
    expect(slice.principalIds).toMatchObject({ U: ids.U, [ids.U]: ids.U });
    // Besides the origins blocked here, only the aliases the platform names requesters by (unique ids, role
    // sessions), which the agent needs to vouch for whoever it identifies.
    for (const [alias, id] of Object.entries(slice.principalIds))
      expect(id === ids.U || /^A(IDA|ROA)/.test(alias) || alias.includes(':assumed-role/')).toBe(true);
    expect(slice.principalIds.V).toBeUndefined();

    const again = await t.get('/v1/block-table/X', {
      authorization: `Bearer ${API_TOKEN}`,
      'if-none-match': `"${version}"`,
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(`"${version}"`);
    const stale = await t.get('/v1/block-table/X', {
      authorization: `Bearer ${API_TOKEN}`,
      'if-none-match': '"older"',
    });
    expect(stale.status).toBe(200);
  });

  it('answers 404 for a function outside the profile', async () => {
    expect((await t.get('/v1/block-table/nope')).status).toBe(404);
  });
});

describe('metrics and audit', () => {
  it('counts decisions by outcome and reports decide latency and uptime', async () => {
    await decide({ function: 'X', principal: 'U' });
    const response = await t.get('/metrics');
    expect(response.status).toBe(200);
    const metrics = (await response.json()) as {
      decisions: { allow: number; block: number };
      decideLatencyMs: { samples: number; p50: number; p99: number };
      uptimeSeconds: number;
    };
    expect(metrics.decisions.block).toBeGreaterThan(0);
    expect(metrics.decisions.allow).toBeGreaterThan(0);
    expect(metrics.decideLatencyMs.samples).toBe(metrics.decisions.allow + metrics.decisions.block);
    expect(metrics.decideLatencyMs.p99).toBeGreaterThanOrEqual(metrics.decideLatencyMs.p50);
    expect(metrics.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('appends every decision to the audit log, without tokens', async () => {
    const token = tokenFor(ids.mallory);
    await decide({ function: 'ledger-writer', token });
    const [latest] = t.audit.recent(1);
    expect(latest).toMatchObject({
      function: ids.ledgerWriter,
      origin: ids.mallory,
      decision: 'block',
      version: t.profiles.current().version,
      route: 'decide',
    });
    expect(Date.parse(latest!.time)).not.toBeNaN();
    const rows = t.audit.recent(1000);
    expect(rows.some((r) => r.origin === null && r.reason.startsWith('no verifiable requester'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});
