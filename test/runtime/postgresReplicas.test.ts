/**
 * Several `ares serve` replicas on one PostgreSQL (`--store postgres://...`): a root token's nonce is claimed once
 * across replicas, every decision of every replica is in the shared audit table, and a replica that loses the
 * database fails closed (503 for decisions and nonce claims) and recovers when it is back. The database is a
 * throwaway cluster started here (initdb/pg_ctl; `.ci/run` installs Debian's postgresql), or
 * ARES_TEST_POSTGRES_URL when no binaries are installed (then without the outage test, which needs to stop it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpNonceClaimer } from '../../src/agent/nonces.js';
import { parseServeArgs, startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { openPostgresStore, redactStoreUrl, type PostgresStore } from '../../src/runtime/postgresStore.js';
import { UsageError } from '../../src/cli/errors.js';
import { parseConfigFile, resolveServeConfig } from '../../src/runtime/config.js';
import { exampleSnapshot } from './serverHarness.js';
import {
  freePort,
  postgresBinDir,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from './postgresHarness.js';

const TOKEN = 'replica-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ares-replicas-'));
const profile = join(dir, 'profile.json');
writeFileSync(profile, JSON.stringify(exampleSnapshot()));
const binDir = postgresBinDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A replica given the URL on the command line, or (`viaConfig`) as `store` in its config file. */
async function replica(url: string, logs: string[] = [], viaConfig = false): Promise<RunningServe> {
  const config = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  if (viaConfig) writeFileSync(config, JSON.stringify({ store: url }));
  const options = parseServeArgs(
    viaConfig
      ? ['--profile', profile, '--port', '0', '--config', config]
      : ['--profile', profile, '--port', '0', '--store', url],
  );
  if (options === 'help') throw new Error('unexpected help');
  return startServe(options, { ARES_API_TOKEN: TOKEN }, (line) => logs.push(line));
}

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const decide = (base: string, fn: string) => post(base, '/v1/decide', { function: fn, principal: 'U' });
const nowSeconds = () => Math.floor(Date.now() / 1000);
let nonceCounter = 0;
const newNonce = () => `root-nonce-${process.pid}-${Date.now()}-${++nonceCounter}`;

describe('--store', () => {
  it('takes only a postgres:// URL, and its password never appears in a message', async () => {
    expect(parseServeArgs(['--store', 'postgresql://a:b@h/db'])).toMatchObject({
      store: 'postgresql://a:b@h/db',
    });
    expect(() => parseServeArgs(['--store', 'sqlite:///tmp/x.db'])).toThrow(UsageError);
    expect(parseServeArgs([])).not.toHaveProperty('store');
    expect(redactStoreUrl('postgres://ares:hunter2@db:5432/ares')).toBe('postgres://ares:***@db:5432/ares');
    expect(redactStoreUrl('postgres://db/ares?password=hunter2')).not.toContain('hunter2');
    // Nothing listens on this port: the replica does not start, and says so without the password.
    const port = await freePort();
    const logs: string[] = [];
    const failed = await replica(`postgres://ares:hunter2@127.0.0.1:${port}/ares`, logs).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failed).toBeInstanceOf(UsageError); // exit 2, on one line
    expect(failed?.message).toContain(`postgres://ares:***@127.0.0.1:${port}/ares`);
    expect(`${failed?.message}${logs.join('\n')}`).not.toContain('hunter2');
    // The config file's "store": checked, and never quoted back.
    expect(() => parseConfigFile({ store: 'mysql://u:hunter2@h/db' }, 'c.json')).toThrow(
      /^c\.json: store must be a postgres:\/\/ URL$/,
    );
    expect(resolveServeConfig(parseConfigFile({ store: 'postgres://h/db' }, 'c.json'), ['t'])).toMatchObject({
      store: 'postgres://h/db',
    });
  });

  it('has PostgreSQL to test against in CI', () => {
    // .ci/run installs Debian's postgresql, so the replica tests below always run there.
    if (process.env.CI) expect(binDir ?? process.env.ARES_TEST_POSTGRES_URL).toBeTruthy();
    expect(binDir === undefined || binDir.endsWith('bin')).toBe(true);
  });
});

const canRun = binDir !== undefined || process.env.ARES_TEST_POSTGRES_URL !== undefined;
describe.runIf(canRun)('replicas on one PostgreSQL', () => {
  let cluster: ThrowawayPostgres | undefined;
  let url: string;
  let a: RunningServe;
  let b: RunningServe;
  let reader: PostgresStore;
  const logsA: string[] = [];

  beforeAll(async () => {
    if (binDir !== undefined) {
      cluster = await startThrowawayPostgres(binDir);
      url = cluster.url;
    } else url = process.env.ARES_TEST_POSTGRES_URL ?? '';
    [a, b] = await Promise.all([replica(url, logsA), replica(url, [], true)]);
    reader = await openPostgresStore(url, { onError: () => {} });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), reader?.close()]);
    cluster?.destroy();
  }, 30_000);

  it('claims a root token’s nonce once: at replica A, then refused at replica B', async () => {
    const nonce = newNonce();
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:X';
    const atA = httpNonceClaimer(a.url, TOKEN, fetch);
    const atB = httpNonceClaimer(b.url, TOKEN, fetch);
    expect(await atA.claim(nonce, nowSeconds() + 300, fn)).toBe(true);
    expect(await atB.claim(nonce, nowSeconds() + 300, fn)).toBe(false);
    expect(await atA.claim(nonce, nowSeconds() + 300, fn)).toBe(false);
    // Claimed at both at once: exactly one wins.
    const other = newNonce();
    const raced = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? atA : atB).claim(other, nowSeconds() + 300, fn)),
    );
    expect(raced.filter(Boolean)).toHaveLength(1);
  });

  it('writes the decisions of both replicas to the shared audit table, exactly once each', async () => {
    const before = await reader.audit.recent(100_000);
    const fnA = `replica-a-${Date.now()}`;
    const fnB = `replica-b-${Date.now()}`;
    const answers = await Promise.all([
      ...Array.from({ length: 37 }, () => decide(a.url, fnA)),
      ...Array.from({ length: 23 }, () => decide(b.url, fnB)),
    ]);
    expect(answers.map((r) => r.status)).toEqual(Array(60).fill(200));
    const after = await reader.audit.recent(100_000);
    expect(after.length - before.length).toBe(60);
    expect(after.filter((e) => e.function === fnA)).toHaveLength(37);
    expect(after.filter((e) => e.function === fnB)).toHaveLength(23);
    expect(after.find((e) => e.function === fnA)).toMatchObject({
      route: 'decide',
      origin: 'arn:aws:iam::123456789012:user/U',
    });
  });

  it.runIf(binDir !== undefined)(
    'group-commits: one turn’s records are one INSERT, each resolved after it',
    async () => {
      const fn = `batch-${Date.now()}`;
      const entry = {
        time: new Date().toISOString(),
        function: fn,
        origin: null,
        decision: 'allow' as const,
        reason: 'test',
        version: 'v',
        route: 'decide' as const,
      };
      await Promise.all(Array.from({ length: 50 }, () => reader.audit.record(entry)));
      // Rows written by one statement share its transaction id (xmin).
      const psql = (sql: string) =>
        execFileSync(join(binDir ?? '', 'psql'), [url, '-Atc', sql], { encoding: 'utf8' }).trim();
      expect(
        psql(`SELECT count(*), count(DISTINCT xmin::text) FROM ares_decisions WHERE function = '${fn}'`),
      ).toBe('50|1');
    },
  );

  it.runIf(binDir !== undefined)(
    'fails closed while PostgreSQL is down (503 for decisions and nonce claims) and recovers when it is back',
    async () => {
      const fn = `outage-${Date.now()}`;
      expect((await decide(a.url, fn)).status).toBe(200);
      cluster?.stop();
      try {
        const down = await decide(a.url, fn);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ error: 'AuditUnavailable' });
        const claim = await post(b.url, '/v1/nonces', {
          nonce: newNonce(),
          exp: nowSeconds() + 300,
          function: fn,
        });
        expect(claim.status).toBe(503);
        expect(await claim.json()).toMatchObject({ error: 'NonceStoreUnavailable' });
        // The agent's claimer takes that as unreachable, so its nonceFailClosed applies.
        await expect(
          httpNonceClaimer(a.url, TOKEN, fetch).claim(newNonce(), nowSeconds() + 300, fn),
        ).rejects.toThrow(/503/);
        // The replicas keep running.
        expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
      } finally {
        cluster?.start();
      }
      // The pools reconnect on their own.
      expect((await decide(a.url, fn)).status).toBe(200);
      expect((await decide(b.url, fn)).status).toBe(200);
      const nonce = newNonce();
      expect(await httpNonceClaimer(b.url, TOKEN, fetch).claim(nonce, nowSeconds() + 300, fn)).toBe(true);
      expect(await httpNonceClaimer(a.url, TOKEN, fetch).claim(nonce, nowSeconds() + 300, fn)).toBe(false);
      const rows = (await reader.audit.recent(100_000)).filter((e) => e.function === fn);
      // One before the outage, two after it; the refused one is not in the log.
      expect(rows).toHaveLength(3);
      expect(logsA.join('\n')).not.toContain('ares-pg-s3cret');
    },
    60_000,
  );
});
