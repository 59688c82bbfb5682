/**
 * The profile repository: versioned profile snapshots in one SQLite file (better-sqlite3, WAL mode), written by
 * `ares scan --save` and read by `ares serve`. A version is a content hash, so saving the same scan twice stores it
 * once. The file is marked as an ares store (`application_id`) and carries its schema version (`user_version`).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ProfileSnapshot } from '../model/index.js';
import { ProfileStoreError } from './errors.js';

/** `ARES` in ASCII: marks a SQLite file as an ares profile store. */
const APPLICATION_ID = 0x41524553;
/** Bump with a migration in `migrate` when the schema changes. */
export const PROFILE_STORE_SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
  CREATE TABLE profiles (
    version    TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    -- Order of the last save of this version: the latest profile is the one saved last.
    saved_seq  INTEGER NOT NULL,
    snapshot   TEXT NOT NULL
  );
  CREATE INDEX profiles_saved_seq ON profiles (saved_seq);
`;

export interface ProfileStore {
  readonly file: string;
  /** Stores a snapshot; `created` is false when this version was already stored (it then becomes the latest again). */
  save(snapshot: ProfileSnapshot): { version: string; created: boolean };
  /** The snapshot saved last, if any. */
  latest(): ProfileSnapshot | undefined;
  /** The version of `latest()`, without reading the snapshot: a cheap check for a reloader. */
  latestVersion(): string | undefined;
  get(version: string): ProfileSnapshot | undefined;
  /** Every stored version, oldest first. */
  versions(): { version: string; createdAt: string }[];
  close(): void;
}

export interface ProfileStoreOptions {
  /** Open an existing store for reading only (`ares serve`): a missing file is an error, nothing is created. */
  readonly?: boolean;
}

/** Opens (creating when missing, unless read-only) the store in `file`; `:memory:` gives a private in-memory store. */
export function openProfileStore(file: string, options: ProfileStoreOptions = {}): ProfileStore {
  const readonly = options.readonly === true;
  const inMemory = file === ':memory:';
  if (!inMemory) prepareLocation(file, readonly);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (error) {
    throw new ProfileStoreError(file, `cannot open: ${messageOf(error)}`);
  }
  try {
    initialise(db, file, readonly);
  } catch (error) {
    db.close();
    if (error instanceof ProfileStoreError) throw error;
    throw new ProfileStoreError(file, describeSqliteError(error));
  }
  return new SqliteProfileStore(db, file);
}

function prepareLocation(file: string, readonly: boolean): void {
  if (existsSync(file)) {
    if (statSync(file).isDirectory())
      throw new ProfileStoreError(file, 'is a directory, not a profile store');
    return;
  }
  if (readonly) throw new ProfileStoreError(file, 'no profile store here (run `ares scan --save` first)');
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new ProfileStoreError(file, `cannot create its directory: ${messageOf(error)}`);
  }
}

function initialise(db: Database.Database, file: string, readonly: boolean): void {
  // The first read fails with SQLITE_NOTADB for a file that is not SQLite at all.
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  if (applicationId !== APPLICATION_ID) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
    if (applicationId !== 0 || tables.n > 0)
      throw new ProfileStoreError(file, 'is a SQLite database but not an ares profile store');
    if (readonly) throw new ProfileStoreError(file, 'is an empty database, not an ares profile store');
  }
  if (schemaVersion > PROFILE_STORE_SCHEMA_VERSION)
    throw new ProfileStoreError(
      file,
      `profile store schema ${schemaVersion} is newer than this ares supports (${PROFILE_STORE_SCHEMA_VERSION})`,
    );
  if (readonly) return;
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.transaction(() => migrate(db, applicationId === APPLICATION_ID ? schemaVersion : 0))();
}

/** Brings the schema from `from` up to the current version, inside the caller's transaction. */
function migrate(db: Database.Database, from: number): void {
  if (from < 1) {
    db.exec(SCHEMA_V1);
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }
  if (from < PROFILE_STORE_SCHEMA_VERSION) db.pragma(`user_version = ${PROFILE_STORE_SCHEMA_VERSION}`);
}

interface ProfileRow {
  version: string;
  snapshot: string;
}

class SqliteProfileStore implements ProfileStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.statements = {
      nextSeq: db.prepare<[], { seq: number }>(`SELECT coalesce(max(saved_seq), 0) + 1 AS seq FROM profiles`),
      insert: db.prepare<[string, string, number, string]>(
        `INSERT INTO profiles (version, created_at, saved_seq, snapshot) VALUES (?, ?, ?, ?)
         ON CONFLICT (version) DO NOTHING`,
      ),
      // The same version may come back with more in it (the estate, which the version hash leaves out): keep the
      // fuller snapshot.
      touch: db.prepare<[number, string, string]>(
        `UPDATE profiles SET saved_seq = ?, snapshot = ? WHERE version = ?`,
      ),
      latest: db.prepare<[], ProfileRow>(
        `SELECT version, snapshot FROM profiles ORDER BY saved_seq DESC LIMIT 1`,
      ),
      latestVersion: db.prepare<[], { version: string }>(
        `SELECT version FROM profiles ORDER BY saved_seq DESC LIMIT 1`,
      ),
      get: db.prepare<[string], ProfileRow>(`SELECT version, snapshot FROM profiles WHERE version = ?`),
      versions: db.prepare<[], { version: string; createdAt: string }>(
        `SELECT version, created_at AS createdAt FROM profiles ORDER BY created_at, rowid`,
      ),
    };
  }

  save(snapshot: ProfileSnapshot): { version: string; created: boolean } {
    const { version } = snapshot;
    if (typeof version !== 'string' || version === '')
      throw new ProfileStoreError(this.file, 'cannot save a snapshot without a version');
    return this.run(() =>
      this.db
        .transaction(() => {
          const { seq } = this.statements.nextSeq.get()!;
          const inserted = this.statements.insert.run(
            version,
            snapshot.createdAt,
            seq,
            JSON.stringify(snapshot),
          );
          if (inserted.changes === 0) {
            // Saved before: it becomes the latest again, keeping the date it was first saved.
            const first = this.statements.versions.all().find((v) => v.version === version)?.createdAt;
            const kept = first === undefined ? snapshot : { ...snapshot, createdAt: first };
            this.statements.touch.run(seq, JSON.stringify(kept), version);
          }
          return { version, created: inserted.changes === 1 };
        })
        .immediate(),
    );
  }

  latestVersion(): string | undefined {
    return this.run(() => this.statements.latestVersion.get())?.version;
  }

  latest(): ProfileSnapshot | undefined {
    const row = this.run(() => this.statements.latest.get());
    return row && this.parse(row);
  }

  get(version: string): ProfileSnapshot | undefined {
    const row = this.run(() => this.statements.get.get(version));
    return row && this.parse(row);
  }

  versions(): { version: string; createdAt: string }[] {
    return this.run(() => this.statements.versions.all());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private parse(row: ProfileRow): ProfileSnapshot {
    try {
      return JSON.parse(row.snapshot) as ProfileSnapshot;
    } catch {
      throw new ProfileStoreError(this.file, `profile version ${row.version} is corrupt (not JSON)`);
    }
  }

  /** Runs a database call, turning SQLite failures into errors that name the file. */
  private run<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (error instanceof ProfileStoreError) throw error;
      throw new ProfileStoreError(this.file, describeSqliteError(error));
    }
  }
}

function describeSqliteError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') return 'not an ares profile store (not a SQLite database)';
  if (code === 'SQLITE_BUSY') return 'the profile store is locked by another process; try again';
  if (code === 'SQLITE_READONLY') return 'the profile store is read-only';
  return messageOf(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
