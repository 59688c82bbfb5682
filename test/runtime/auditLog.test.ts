import { describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/runtime/auditLog.js';

describe('audit log group commit', () => {
  it('writes the decisions of one turn together, flushes before reads, and reports a failed write without throwing', async () => {
    const errors: unknown[] = [];
    const log = openAuditLog(':memory:', (error) => errors.push(error));
    const entry = {
      time: '2026-01-01T00:00:00.000Z',
      function: 'X',
      origin: 'U',
      decision: 'block' as const,
      reason: 'r',
      version: 'v',
      route: 'decide' as const,
    };
    log.record(entry);
    log.record({ ...entry, origin: 'V', decision: 'allow' });
    // Not yet committed, but a read flushes first.
    expect(log.recent(10).map((e) => e.origin)).toEqual(['V', 'U']);
    // A row the schema refuses fails at commit time: reported, not thrown.
    log.record({ ...entry, decision: 'maybe' as unknown as 'allow' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect(log.recent(10)).toHaveLength(2);
    log.close();
  });
});
