/** The text report: one block per finding, its witness path on one line. */
import type { Finding, PathStep } from '../../model/index.js';
import type { ScanReport } from '../scanReport.js';

/** `alice -invoke-> report-api -invoke-> report-builder -s3:GetObject-> payroll-archive/*` */
export function renderPath(path: PathStep[]): string {
  return path.map((step, i) => (i === 0 ? step.name : ` -${step.edge}-> ${step.name}`)).join('');
}

function describeReason(finding: Finding): string[] {
  return (finding.denialReasons ?? []).map((r) =>
    r.kind === 'no-allow'
      ? `no allow in ${r.policy ?? r.policyType}`
      : `${r.policyType} ${r.policy} Statement[${r.statement}]${r.sid ? ` (Sid ${r.sid})` : ''}`,
  );
}

export function textReport(report: ScanReport): string {
  const lines: string[] = [];
  const count = (s: string) => report.findings.filter((f) => f.severity === s).length;
  lines.push(
    `ares scan: ${report.findings.length} finding(s) (${count('high')} high, ${count('medium')} medium, ${count('info')} info); ` +
      `${report.stats.functions ?? 0} functions, ${report.stats.requesters ?? 0} requesters, ${report.errors.length} error(s)`,
  );
  for (const f of report.findings) {
    lines.push('');
    lines.push(
      `${f.severity.toUpperCase()} ${f.denial} bypass: ${f.principal.name} reaches ${f.actions.join(', ')} on ${f.resource.name} through ${f.entry.name}  [${f.id}]`,
    );
    lines.push(`  ${renderPath(f.path)}`);
    const reasons = describeReason(f);
    if (reasons.length > 0) lines.push(`  denied by: ${reasons.join('; ')}`);
    if (f.conditions) lines.push(`  only when: ${f.conditions.join(', ')} allow it`);
    if (f.location)
      lines.push(`  entry defined at: ${f.location.file}${f.location.line ? `:${f.location.line}` : ''}`);
  }
  if (report.errors.length > 0) {
    lines.push('', 'Could not read:');
    for (const e of report.errors)
      lines.push(`  ${e.file}${e.location ? ` (${e.location})` : ''}: ${e.message}`);
  }
  return lines.join('\n');
}
