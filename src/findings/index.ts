/**
 * Findings: bypass paths grouped into findings with severity, denial class and stable ids, and the reporters
 * that render a scan (text, JSON, SARIF 2.1.0, Markdown).
 */
export { bypassFindings, findingId, SEVERITY_RANK, witnessPath } from './bypassFindings.js';
export { denialClassOf } from '../profile/index.js';
export type { ScanReport } from './scanReport.js';
export { textReport, renderPath } from './reporters/textReport.js';
export { markdownReport } from './reporters/markdownReport.js';
export { sarifReport } from './reporters/sarifReport.js';
