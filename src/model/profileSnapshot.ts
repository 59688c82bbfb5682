import type { BlockTable } from './blockTable.js';
import type { Estate } from './estate.js';
import type { Finding } from './finding.js';

/** One stored version of a profile: what `ares scan --save` writes and `ares serve` and agents read. */
export interface ProfileSnapshot {
  /** Content hash of the findings and block table; the same scan gives the same version. */
  version: string;
  createdAt: string;
  blockTable: BlockTable;
  findings: Finding[];
  stats: Record<string, number>;
  /**
   * The merged estate the profile was built from, so a reader (the MCP server, the reasoning engine) can rebuild the
   * full reachability profile and decide new questions exactly. Absent in snapshots written before it was added.
   */
  estate?: Estate;
}
