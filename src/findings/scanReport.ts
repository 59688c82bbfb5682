/** The result of `ares scan`: findings, what could not be read, and counts. The JSON format is in docs/scan-format.md. */
import type { EstateError, Finding, Notice } from '../model/index.js';

export interface ScanReport {
  version: 1;
  findings: Finding[];
  errors: EstateError[];
  /** What the user should know that is neither a finding nor an error (see docs/scan-format.md). */
  notices: Notice[];
  stats: Record<string, number>;
}
