/**
 * Profile reloads in `ares serve`: a new snapshot version is swapped in atomically (a request in flight finishes
 * with the profile it started with), from a JSON snapshot file or from the profile store; a broken update keeps
 * the last good profile.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodePropagated, verifyCallerContext } from '../../src/agent/callerContext.js';
import type { ProfileSnapshot } from '../../src/model/index.js';
import { openProfileStore } from '../../src/runtime/profileStore.js';
import { openProfileSource, storeProfileSource } from '../../src/runtime/profileSource.js';
import { createProfileHolder } from '../../src/runtime/reload.js';
import { exampleSnapshot, ids, startTestServer, type TestServer } from './serverHarness.js';

/** The example profile, changed: V is now blocked at X too, under a new version. */
function blockingV(version: string): ProfileSnapshot {
  const snapshot = exampleSnapshot();
  const x = snapshot.blockTable.functions[ids.X]!;
  const findingId = x.blocked[ids.U]![0]!.findingId;
  x.blocked[ids.V] = [
    {
      resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/DB-1',
      action: 'dynamodb:PutItem',
      denial: 'explicit',
      findingId,
    },
  ];
  snapshot.version = version;
  snapshot.blockTable.version = version;
  return snapshot;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('reload', () => {
  it('swaps in a new version without failing a request in flight, which keeps its version', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const contexts: string[] = [];
    const fn: Server = createServer((req, res) => {
      contexts.push(req.headers['x-ares-context'] as string);
      req.resume();
      arrived();
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"done":true}');
      });
    });
    await new Promise<void>((resolve) => fn.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => fn.close(() => resolve())));
    const t: TestServer = await startTestServer({
      functions: { X: { url: `http://127.0.0.1:${(fn.address() as AddressInfo).port}/` } },
    });
    cleanups.push(() => t.close());
    const v1 = t.profiles.current().version;
    const asV = { authorization: 'Bearer test-api-token-0123456789', 'x-ares-principal': 'V' };

    const inFlight = t.post('/v1/invoke/X', { n: 1 }, asV);
    await arrival;

    t.writeSnapshot(blockingV('v2-blocks-v'));
    expect(t.profiles.reload()).toEqual({ changed: true, version: 'v2-blocks-v', previous: v1 });
    expect(await (await t.get('/healthz', {})).json()).toEqual({ status: 'ok', version: 'v2-blocks-v' });
    const now = (await (await t.post('/v1/decide', { function: 'X', principal: 'V' })).json()) as Record<
      string,
      unknown
    >;
    expect(now).toMatchObject({ decision: 'block', version: 'v2-blocks-v' });
    expect((await t.post('/v1/invoke/X', { n: 2 }, asV)).status).toBe(403);
    expect(await (await t.get('/metrics')).json()).toMatchObject({ version: 'v2-blocks-v', reloads: 1 });

    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ares-profile-version')).toBe(v1);
    expect(await response.json()).toEqual({ done: true });
    const context = verifyCallerContext(decodePropagated(contexts[0]!).token, t.keys.publicKey);
    expect(context.valid && context.context).toMatchObject({ origin: ids.V, version: v1 });
    expect(t.logs).toContain(`profile ${v1} -> v2-blocks-v (${t.profileFile})`);
  });

  it('keeps the last good profile when the new file is broken', async () => {
    const t = await startTestServer();
    cleanups.push(() => t.close());
    const version = t.profiles.current().version;
    writeFileSync(t.profileFile, '{"version": "broken"');
    const result = t.profiles.reload();
    expect(result).toMatchObject({ changed: false, version });
    expect('error' in result && result.error).toContain('malformed JSON');
    expect((await t.post('/v1/decide', { function: 'X', principal: 'U' })).status).toBe(200);
  });

  it('polls the source on its own when started', async () => {
    const t = await startTestServer();
    cleanups.push(() => t.close());
    t.profiles.start(20);
    t.writeSnapshot(blockingV('v3-polled'));
    await vi.waitFor(() => expect(t.profiles.current().version).toBe('v3-polled'), {
      timeout: 5000,
      interval: 20,
    });
  });

  it('reads the latest snapshot of the profile store and notices a newer one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ares-store-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'profile.db');
    const writer = openProfileStore(file);
    cleanups.push(() => writer.close());
    writer.save(exampleSnapshot());
    const source = openProfileSource(file);
    cleanups.push(() => source.close());
    const holder = createProfileHolder(source);
    expect(holder.current().version).toBe(exampleSnapshot().version);
    expect(holder.reload()).toMatchObject({ changed: false });
    writer.save(blockingV('v4-stored'));
    expect(holder.reload()).toMatchObject({ changed: true, version: 'v4-stored' });
  });

  it('refuses to start from a store with no profile', () => {
    const empty = storeProfileSource({ latest: () => undefined, close: () => {} }, 'empty.db');
    expect(() => createProfileHolder(empty)).toThrow(/holds no profile yet/);
  });
});
