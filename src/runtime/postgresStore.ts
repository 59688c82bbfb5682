/**
 * The shared store of several `ares serve` replicas: used root-token nonces and the audit log in PostgreSQL
 * (`ares serve --store postgres://...`), through one connection pool (node-postgres). Tables are created when
 * missing (under an advisory lock, so replicas starting together do not race). A nonce is claimed atomically
 * (`INSERT ... ON CONFLICT`), so the first replica to claim it wins. The audit log keeps SQLite's group commit: the
 * decisions of one event-loop turn go in one multi-row INSERT, and each `record` resolves only once its batch has
 * committed. When the database cannot be reached, claims and records reject (the routes answer 503: fail closed);
 * the pool opens new connections as requests come, so the replica recovers by itself when the database is back.
 * The connection string is never logged: `redactStoreUrl` hides its password.
 */
import pg from 'pg';
import type { AuditEntry, AuditLog } from './auditLog.js';
import type { NonceStore } from './nonceStore.js';

/** `postgres://` or `postgresql://`. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL with its password (and any `password=` parameter) replaced by `***`, for messages. */
export function redactStoreUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()])
      if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Also removes the URL from a driver message, in case one ever quotes it. */
function redactMessage(message: string, url: string): string {
  return message.split(url).join(redactStoreUrl(url));
}

export interface PostgresStore {
  nonces: NonceStore;
  audit: AuditLog;
  /** Ends the pool, after the audit log's pending batches. */
  close(): Promise<void>;
}

export interface PostgresStoreOptions {
  /** A failed background write or connection (the URL already redacted). */
  onError?: (message: string) => void;
  /** How long a connection attempt may take before the request fails closed (default 2000 ms). */
  connectTimeoutMs?: number;
  /** How long a query may take on an open connection before it fails closed (default 5000 ms). */
  queryTimeoutMs?: number;
  /** Pool size (default 10). */
  maxConnections?: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ares_nonces (
    function TEXT NOT NULL,
    nonce    TEXT NOT NULL,
    exp      BIGINT NOT NULL,
    PRIMARY KEY (function, nonce)
  )`,
  `CREATE INDEX IF NOT EXISTS ares_nonces_exp ON ares_nonces (exp)`,
  `CREATE TABLE IF NOT EXISTS ares_decisions (
    id BIGSERIAL PRIMARY KEY,
    time TEXT NOT NULL,
    function TEXT NOT NULL,
    origin TEXT,
    decision TEXT NOT NULL CHECK (decision IN ('allow', 'block')),
    reason TEXT NOT NULL,
    version TEXT NOT NULL,
    route TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS ares_decisions_time ON ares_decisions (time)`,
];
/** Any constant: the advisory lock under which replicas create the tables one at a time. */
const SCHEMA_LOCK = 0x61726573;
const SWEEP_EVERY = 1024;
/** Rows per INSERT (7 parameters each, far below PostgreSQL's 65535). */
const MAX_BATCH = 1000;
const COLUMNS = ['time', 'function', 'origin', 'decision', 'reason', 'version', 'route'] as const;

/** Connects, creates the tables when missing, and returns the nonce store and the audit log over one pool. */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const onError = options.onError ?? ((message: string) => process.stderr.write(`ares store: ${message}\n`));
  const describe = (error: unknown): string =>
    redactMessage(error instanceof Error ? error.message || error.name : String(error), url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    // A database that stops answering on an open connection (a partition) fails requests closed, not hung.
    query_timeout: options.queryTimeoutMs ?? 5000,
    keepAlive: true,
    idleTimeoutMillis: 10_000,
  });
  // An idle connection the server dropped (a restart) is reported here; the pool discards it.
  pool.on('error', (error) => onError(`connection lost: ${describe(error)}`));

  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      for (const statement of SCHEMA) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`cannot open the store ${redactStoreUrl(url)}: ${describe(error)}`, { cause: error });
  }

  let claims = 0;
  const nonces: NonceStore = {
    async claim(nonce, exp, functionId, nowSeconds = Math.floor(Date.now() / 1000)) {
      if (++claims % SWEEP_EVERY === 0)
        pool
          .query('DELETE FROM ares_nonces WHERE exp < $1', [nowSeconds])
          .catch((error: unknown) => onError(`nonce sweep failed: ${describe(error)}`));
      // An expired row with the same key may be reused: its token is refused by expiry anyway.
      const result = await pool.query(
        `INSERT INTO ares_nonces (function, nonce, exp) VALUES ($1, $2, $3)
         ON CONFLICT (function, nonce) DO UPDATE SET exp = excluded.exp WHERE ares_nonces.exp < $4`,
        [functionId, nonce, Math.floor(exp), nowSeconds],
      );
      return result.rowCount === 1;
    },
    close() {},
  };

  interface Pending {
    entry: AuditEntry;
    committed: () => void;
    failed: (error: unknown) => void;
  }
  let pending: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const inFlight = new Set<Promise<void>>();
  const write = async (batch: Pending[]): Promise<void> => {
    const values: unknown[] = [];
    const rows = batch.map((item, row) => {
      for (const column of COLUMNS) values.push(item.entry[column]);
      return `(${COLUMNS.map((_, i) => `$${row * COLUMNS.length + i + 1}`).join(', ')})`;
    });
    try {
      // One statement: committed whole, or not at all.
      await pool.query(
        `INSERT INTO ares_decisions (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
        values,
      );
    } catch (error) {
      const failure = new Error(describe(error));
      onError(`audit write failed: ${failure.message}`);
      for (const item of batch) item.failed(failure);
      return;
    }
    for (const item of batch) item.committed();
  };
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    while (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      const done = write(batch);
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    }
  };
  const settle = async (): Promise<void> => {
    flush();
    await Promise.all([...inFlight]);
  };
  const audit: AuditLog = {
    record: (entry) =>
      new Promise<void>((committed, failed) => {
        pending.push({ entry, committed, failed });
        scheduled ??= setImmediate(flush);
      }),
    recent: async (limit) => {
      await settle();
      const result = await pool.query<AuditEntry>(
        `SELECT ${COLUMNS.join(', ')} FROM ares_decisions ORDER BY id DESC LIMIT $1`,
        [limit],
      );
      return result.rows;
    },
    close: () => settle(),
  };

  let closed = false;
  return {
    nonces,
    audit,
    async close() {
      if (closed) return;
      closed = true;
      await settle();
      await pool.end();
    },
  };
}
