/** `POST /v1/nonces` and the nonce stores behind it: a root token's nonce is claimed once, across replicas. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryNonceStore, sqliteNonceStore } from '../../src/runtime/nonceStore.js';
import { API_TOKEN, startTestServer, type TestServer } from './serverHarness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const now = () => Math.floor(Date.now() / 1000);
const claim = (body: unknown, token = API_TOKEN) =>
  t.post('/v1/nonces', body, { authorization: `Bearer ${token}` });

describe('POST /v1/nonces', () => {
  it('answers fresh the first time and not again, per function', async () => {
    const body = {
      nonce: 'bm9uY2Utb25lLTEy',
      exp: now() + 300,
      function: 'arn:aws:lambda:us-east-1:1:function:X',
    };
    expect(await (await claim(body)).json()).toEqual({ fresh: true });
    expect(await (await claim(body)).json()).toEqual({ fresh: false });
    expect(await (await claim({ ...body, function: 'other' })).json()).toEqual({ fresh: true });
  });

  it('needs a bearer token', async () => {
    const response = await claim({ nonce: 'bm9uY2UtdHdvLTEy', exp: now() + 300, function: 'X' }, 'wrong');
    expect(response.status).toBe(401);
  });

  it('refuses malformed claims with 400, and an expired one as not fresh', async () => {
    for (const body of [
      { nonce: 'x', exp: now() + 300, function: 'X' },
      { nonce: 'bm9uY2UtdGhyZWU', exp: 'soon', function: 'X' },
      { nonce: 'bm9uY2UtdGhyZWU', exp: now() + 300, function: '' },
      { nonce: 'a'.repeat(65), exp: now() + 300, function: 'X' },
    ])
      expect((await claim(body)).status).toBe(400);
    expect(await (await claim({ nonce: 'bm9uY2UtZm91cg', exp: now() - 1, function: 'X' })).json()).toEqual({
      fresh: false,
    });
  });
});

describe('nonce stores', () => {
  it('SQLite: two stores on one file (two replicas) see each other’s claims; expiry frees a nonce', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ares-nonces-')), 'profile.db');
    const a = sqliteNonceStore(file);
    const b = sqliteNonceStore(file);
    try {
      expect(a.claim('n-1', 1000, 'X', 900)).toBe(true);
      expect(b.claim('n-1', 1000, 'X', 900)).toBe(false);
      expect(b.claim('n-1', 2000, 'X', 1001)).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });

  it('memory: bounded, oldest first', () => {
    const store = memoryNonceStore(2);
    expect(store.claim('a', 100, 'X', 0)).toBe(true);
    expect(store.claim('b', 100, 'X', 0)).toBe(true);
    expect(store.claim('c', 100, 'X', 0)).toBe(true);
    expect(store.claim('c', 100, 'X', 0)).toBe(false);
    expect(store.claim('a', 100, 'X', 0)).toBe(true);
  });
});
