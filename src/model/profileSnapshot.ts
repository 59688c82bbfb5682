import type { BlockTable } from './blockTable.js';
import type { Finding } from './finding.js';

/** One stored version of a profile: what `ares scan --save` writes and `ares serve` and agents read. */
export interface ProfileSnapshot {
  /** Content hash of the findings and block table; the same scan gives the same version. */
  version: string;
  createdAt: string;
  blockTable: BlockTable;
  findings: Finding[];
  stats: Record<string, number>;
}
