/** The result of `ares scan`: findings, what could not be read, and counts. The JSON format is in docs/scan-format.md. */
import type { EstateError, Finding } from '../model/index.js';

export interface ScanReport {
  version: 1;
  findings: Finding[];
  errors: EstateError[];
  stats: Record<string, number>;
}
