/**
 * The audit log: every decision the server takes, appended to SQLite (better-sqlite3, WAL); tokens and API secrets
 * are never written. Group commit: the decisions of one event-loop turn are written in one transaction right after
 * it (setImmediate), so a busy server pays one commit per turn, not per decision; reads and close flush first.
 * `record` resolves only once its transaction has committed, so a route that awaits it before answering never
 * answers a decision a crash could lose (WAL with synchronous=NORMAL survives the process being killed; only an
 * OS crash or power loss may take the last commits).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type AuditRoute = 'decide' | 'invoke' | 'a2a' | 'mcp';

export interface AuditEntry {
  /** ISO 8601. */
  time: string;
  /** The function as resolved (id), or as asked when the profile does not know it. */
  function: string;
  origin: string | null;
  decision: 'allow' | 'block';
  reason: string;
  version: string;
  route: AuditRoute;
}

export interface AuditLog {
  /** Resolves when the entry is committed; rejects when its transaction failed (the entry is not in the log). */
  record(entry: AuditEntry): Promise<void>;
  /** The latest entries, newest first. */
  recent(limit: number): AuditEntry[] | Promise<AuditEntry[]>;
  close(): void | Promise<void>;
}

/** The embedded (SQLite) log reads and closes synchronously. */
export interface SqliteAuditLog extends AuditLog {
  recent(limit: number): AuditEntry[];
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  function TEXT NOT NULL,
  origin TEXT,
  decision TEXT NOT NULL CHECK (decision IN ('allow', 'block')),
  reason TEXT NOT NULL,
  version TEXT NOT NULL,
  route TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_time ON decisions (time);
`;

/**
 * Opens (creating when needed) the audit database; `:memory:` for a log that is not kept. A write that fails after
 * the turn (the group commit) goes to `onError`, never to an uncaught exception.
 */
export function openAuditLog(
  file: string,
  onError: (error: unknown) => void = (error) =>
    process.stderr.write(
      `ares audit log: write failed: ${error instanceof Error ? error.message : String(error)}\n`,
    ),
): SqliteAuditLog {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT INTO decisions (time, function, origin, decision, reason, version, route) VALUES (@time, @function, @origin, @decision, @reason, @version, @route)',
  );
  const select = db.prepare(
    'SELECT time, function, origin, decision, reason, version, route FROM decisions ORDER BY id DESC LIMIT ?',
  );
  interface Pending {
    entry: AuditEntry;
    committed: () => void;
    failed: (error: unknown) => void;
  }
  let pending: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const writeAll = db.transaction((batch: Pending[]) => {
    for (const item of batch) insert.run(item.entry);
  });
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      writeAll(batch);
    } catch (error) {
      onError(error);
      for (const item of batch) item.failed(error);
      return;
    }
    for (const item of batch) item.committed();
  };
  return {
    record: (entry) =>
      new Promise<void>((committed, failed) => {
        pending.push({ entry, committed, failed });
        scheduled ??= setImmediate(flush);
      }),
    recent: (limit) => {
      flush();
      return select.all(limit) as AuditEntry[];
    },
    close: () => {
      flush();
      db.close();
    },
  };
}
