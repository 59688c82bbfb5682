/**
 * The nonces of root tokens already used, shared by every instance of every function through `ares serve`
 * (`POST /v1/nonces`): a root token is single-use at its entry function. SQLite (a table in a file of its own,
 * by default beside the profile store) or memory (tests, `--profile` JSON). Expired nonces are swept as new
 * ones come in: a token is refused by its expiry after that anyway.
 */
import Database from 'better-sqlite3';

export interface NonceStore {
  /**
   * Records `nonce` for `functionId` until `exp` (seconds); false when it was already recorded (a replay). A shared
   * store (PostgreSQL) answers asynchronously and rejects when it cannot be reached: the route then answers 503.
   */
  claim(nonce: string, exp: number, functionId: string, nowSeconds?: number): boolean | Promise<boolean>;
  close(): void | Promise<void>;
}

/** The embedded stores answer synchronously. */
export interface SyncNonceStore extends NonceStore {
  claim(nonce: string, exp: number, functionId: string, nowSeconds?: number): boolean;
  close(): void;
}

/** How many claims between two sweeps of expired nonces. */
const SWEEP_EVERY = 1024;
/** Memory store bound: past it, the oldest nonces go first (they expire first, tokens living 300 s). */
const MEMORY_CAPACITY = 1_000_000;

export function memoryNonceStore(capacity = MEMORY_CAPACITY): SyncNonceStore {
  const seen = new Map<string, number>();
  return {
    claim(nonce, exp, functionId, nowSeconds = Math.floor(Date.now() / 1000)) {
      const key = `${functionId}\u0000${nonce}`;
      const prior = seen.get(key);
      if (prior !== undefined && prior >= nowSeconds) return false;
      seen.delete(key);
      for (const [k, e] of seen) {
        if (seen.size < capacity && e >= nowSeconds) break;
        seen.delete(k);
      }
      seen.set(key, exp);
      return true;
    },
    close() {
      seen.clear();
    },
  };
}

export function sqliteNonceStore(file: string): SyncNonceStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS nonces (
    function TEXT NOT NULL,
    nonce    TEXT NOT NULL,
    exp      INTEGER NOT NULL,
    PRIMARY KEY (function, nonce)
  ) WITHOUT ROWID`);
  const insert = db.prepare<[string, string, number, number]>(
    // An expired row with the same key may be reused: its token is refused by expiry anyway.
    `INSERT INTO nonces (function, nonce, exp) VALUES (?, ?, ?)
     ON CONFLICT (function, nonce) DO UPDATE SET exp = excluded.exp WHERE nonces.exp < ?`,
  );
  const sweep = db.prepare<[number]>(`DELETE FROM nonces WHERE exp < ?`);
  let claims = 0;
  return {
    claim(nonce, exp, functionId, nowSeconds = Math.floor(Date.now() / 1000)) {
      if (++claims % SWEEP_EVERY === 0) sweep.run(nowSeconds);
      return insert.run(functionId, nonce, Math.floor(exp), nowSeconds).changes === 1;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
