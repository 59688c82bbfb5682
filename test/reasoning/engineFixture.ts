/** The example estate's snapshot (Fig. 1's U/V/X/DB-1 and mallory's queue → function → topic → function chain). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanPaths, scanSnapshot } from '../../src/cli/commands/scan.js';
import type { ProfileSnapshot } from '../../src/model/index.js';

export const X = 'arn:aws:lambda:us-east-1:123456789012:function:X';
export const LEDGER_WRITER = 'arn:aws:lambda:us-east-1:123456789012:function:ledger-writer';
export const U = 'arn:aws:iam::123456789012:user/U';
export const MALLORY = 'arn:aws:iam::123456789012:user/mallory';

let cached: ProfileSnapshot | undefined;

export function exampleSnapshot(): ProfileSnapshot {
  cached ??= scanSnapshot(
    scanPaths(['examples/estate'], {
      account: '123456789012',
      region: 'us-east-1',
      params: {},
      includeImplicit: false,
    }),
    '2026-01-01T00:00:00.000Z',
  );
  return structuredClone(cached);
}

/** Writes a snapshot to a fresh temporary directory; returns the directory and the file. */
export function writeSnapshot(snapshot: ProfileSnapshot): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ares-reasoning-'));
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify(snapshot));
  return { dir, file };
}
