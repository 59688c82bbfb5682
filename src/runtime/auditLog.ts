/**
 * The audit log: every decision the server takes, appended to SQLite (better-sqlite3, WAL); tokens and API secrets
 * are never written. Group commit: the decisions of one event-loop turn are written in one transaction right after
 * it (setImmediate), so a busy server pays one commit per turn, not per decision; reads and close flush first.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type AuditRoute = 'decide' | 'invoke';

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
  record(entry: AuditEntry): void;
  /** The latest entries, newest first. */
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
): AuditLog {
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
  let pending: AuditEntry[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const writeAll = db.transaction((entries: AuditEntry[]) => {
    for (const entry of entries) insert.run(entry);
  });
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const entries = pending;
    pending = [];
    try {
      writeAll(entries);
    } catch (error) {
      onError(error);
    }
  };
  return {
    record: (entry) => {
      pending.push(entry);
      scheduled ??= setImmediate(flush);
    },
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
