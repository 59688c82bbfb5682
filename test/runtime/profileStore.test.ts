import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyEstate, type ProfileSnapshot } from '../../src/model/index.js';
import { openProfileStore, ProfileStoreError, type ProfileStore } from '../../src/runtime/index.js';

const open: ProfileStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

function tempFile(name = 'profile.db'): string {
  return join(mkdtempSync(join(tmpdir(), 'ares-store-')), name);
}

function openStore(file: string, options?: { readonly?: boolean }): ProfileStore {
  const store = openProfileStore(file, options);
  open.push(store);
  return store;
}

function snapshot(version: string, createdAt = '2026-01-01T00:00:00.000Z'): ProfileSnapshot {
  const fn = 'arn:aws:lambda:us-east-1:123456789012:function:X';
  return {
    version,
    createdAt,
    blockTable: {
      version,
      createdAt,
      functions: {
        [fn]: {
          function: fn,
          name: 'X',
          conduit: true,
          blocked: {
            'arn:aws:iam::123456789012:user/U': [
              {
                resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/DB-1',
                action: 'dynamodb:PutItem',
                denial: 'explicit',
                findingId: 'ARES-0123456789abcdef',
              },
            ],
          },
        },
      },
      functionIds: { X: fn, [fn]: fn },
      principalIds: { U: 'arn:aws:iam::123456789012:user/U' },
    },
    findings: [],
    stats: { findings: 0, functions: 1 },
  };
}

function expectStoreError(call: () => unknown, file: string, problem: RegExp): void {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProfileStoreError);
  const error = caught as ProfileStoreError;
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  expect(error.problem).toMatch(problem);
}

describe('profile store', () => {
  it('creates the file and its directory, and round-trips a snapshot', () => {
    const file = join(tempFile(), 'nested', 'profile.db');
    const store = openStore(file);
    expect(existsSync(file)).toBe(true);
    expect(store.latest()).toBeUndefined();
    expect(store.latestVersion()).toBeUndefined();
    expect(store.save(snapshot('aaaa'))).toEqual({ version: 'aaaa', created: true });
    expect(store.get('aaaa')).toEqual(snapshot('aaaa'));
    expect(store.latest()).toEqual(snapshot('aaaa'));
    expect(store.get('missing')).toBeUndefined();
  });

  it('saves a version once', () => {
    const store = openStore(tempFile());
    expect(store.save(snapshot('aaaa')).created).toBe(true);
    expect(store.save(snapshot('aaaa', '2027-01-01T00:00:00.000Z'))).toEqual({
      version: 'aaaa',
      created: false,
    });
    expect(store.versions()).toEqual([{ version: 'aaaa', createdAt: '2026-01-01T00:00:00.000Z' }]);
    expect(store.get('aaaa')!.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('lists versions oldest first; the latest is the one saved last', () => {
    const store = openStore(tempFile());
    store.save(snapshot('aaaa', '2026-01-01T00:00:00.000Z'));
    store.save(snapshot('bbbb', '2026-01-02T00:00:00.000Z'));
    expect(store.versions()).toEqual([
      { version: 'aaaa', createdAt: '2026-01-01T00:00:00.000Z' },
      { version: 'bbbb', createdAt: '2026-01-02T00:00:00.000Z' },
    ]);
    expect(store.latest()!.version).toBe('bbbb');
    // A rescan that goes back to an earlier profile makes it the latest again.
    store.save(snapshot('aaaa', '2026-01-03T00:00:00.000Z'));
    expect(store.latestVersion()).toBe('aaaa');
    expect(store.versions()).toHaveLength(2);
  });

  it('keeps what was saved across reopening, also read-only', () => {
    const file = tempFile();
    const writer = openProfileStore(file);
    writer.save(snapshot('aaaa'));
    writer.save(snapshot('bbbb', '2026-02-01T00:00:00.000Z'));
    writer.close();
    const reader = openStore(file);
    expect(reader.versions().map((v) => v.version)).toEqual(['aaaa', 'bbbb']);
    expect(reader.latest()).toEqual(snapshot('bbbb', '2026-02-01T00:00:00.000Z'));
    const readonly = openStore(file, { readonly: true });
    expect(readonly.get('aaaa')).toEqual(snapshot('aaaa'));
  });

  it('uses WAL mode and records its schema version', () => {
    const file = tempFile();
    openStore(file).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('refuses a file that is not SQLite, naming it', () => {
    const file = tempFile('notes.txt');
    writeFileSync(file, 'this is not a database, just some text that is long enough to have a header\n');
    expectStoreError(() => openProfileStore(file), file, /not an ares profile store/);
  });

  it('refuses a SQLite database that is not an ares store', () => {
    const file = tempFile('other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expectStoreError(() => openProfileStore(file), file, /SQLite database but not an ares profile store/);
  });

  it('refuses a store written by a newer schema', () => {
    const file = tempFile();
    openStore(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expectStoreError(() => openProfileStore(file), file, /schema 99 is newer/);
  });

  it('refuses a directory, and a missing file when read-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ares-store-'));
    expectStoreError(() => openProfileStore(dir), dir, /is a directory/);
    const missing = join(dir, 'none.db');
    expectStoreError(() => openProfileStore(missing, { readonly: true }), missing, /no profile store/);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses a snapshot without a version', () => {
    const file = tempFile();
    const store = openStore(file);
    expectStoreError(() => store.save(snapshot('')), file, /without a version/);
  });
});

describe('saving a version again', () => {
  it('keeps the fuller snapshot: a rescan that adds the estate to a stored version replaces it', () => {
    const store = openProfileStore(':memory:');
    const bare = {
      version: 'v1',
      createdAt: '2026-01-01T00:00:00.000Z',
      blockTable: {} as never,
      findings: [],
      stats: {},
    };
    expect(store.save(bare).created).toBe(true);
    expect(store.latest()?.estate).toBeUndefined();
    const withEstate = { ...bare, estate: emptyEstate() };
    expect(store.save(withEstate)).toEqual({ version: 'v1', created: false });
    expect(store.latest()?.estate).toEqual(emptyEstate());
    expect(store.versions()).toHaveLength(1);
    store.close();
  });
});
