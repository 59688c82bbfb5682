import { describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/runtime/auditLog.js';

const entry = {
  time: '2026-01-01T00:00:00.000Z',
  function: 'X',
  origin: 'U',
  decision: 'block' as const,
  reason: 'r',
  version: 'v',
  route: 'decide' as const,
};

describe('audit log group commit', () => {
  it('writes the decisions of one turn together, flushes before reads, and rejects the records of a failed commit', async () => {
    const errors: unknown[] = [];
    const log = openAuditLog(':memory:', (error) => errors.push(error));
    const first = log.record(entry);
    const second = log.record({ ...entry, origin: 'V', decision: 'allow' });
    // Not yet committed, but a read flushes first.
    expect(log.recent(10).map((e) => e.origin)).toEqual(['V', 'U']);
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    // A row the schema refuses fails its whole transaction: every record in it is rejected and reported.
    const bad = log.record({ ...entry, decision: 'maybe' as unknown as 'allow' });
    const companion = log.record({ ...entry, origin: 'W' });
    await expect(bad).rejects.toThrow(/CHECK/);
    await expect(companion).rejects.toThrow(/CHECK/);
    expect(errors).toHaveLength(1);
    expect(log.recent(10)).toHaveLength(2);
    log.close();
  });

  it('resolves a record only after its row is readable from another connection', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const Database = (await import('better-sqlite3')).default;
    const dir = mkdtempSync(join(tmpdir(), 'ares-audit-'));
    const file = join(dir, 'audit.db');
    const log = openAuditLog(file);
    const reader = new Database(file, { readonly: true });
    const count = (): number =>
      (reader.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number }).n;
    const pending = log.record(entry);
    expect(count()).toBe(0);
    await pending;
    expect(count()).toBe(1);
    reader.close();
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
