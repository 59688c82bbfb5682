/** The text report: one block per finding, its witness path on one line. */
import type { EstateError, Finding, PathStep } from '../../model/index.js';
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

/** Errors proper, and `info` items: read fine, but a construct is not modelled or a link not made. */
export function splitErrors(report: ScanReport): { errors: EstateError[]; notes: EstateError[] } {
  return {
    errors: report.errors.filter((e) => e.severity !== 'info'),
    notes: report.errors.filter((e) => e.severity === 'info'),
  };
}

const placeOf = (e: EstateError): string => `${e.file}${e.location ? ` (${e.location})` : ''}`;

/** Findings, then notices, then errors and notes, each under its own heading; the header counts each apart. */
export function textReport(report: ScanReport): string {
  const lines: string[] = [];
  const count = (s: string) => report.findings.filter((f) => f.severity === s).length;
  const { errors, notes } = splitErrors(report);
  const notices = report.notices ?? [];
  lines.push(
    `ares scan: ${report.findings.length} finding(s) (${count('high')} high, ${count('medium')} medium, ${count('low')} low, ${count('info')} info); ` +
      `${report.stats.functions ?? 0} functions, ${report.stats.requesters ?? 0} requesters, ${errors.length} error(s), ${notices.length} notice(s)`,
  );
  if (notices.some((n) => n.code === 'no-requesters'))
    lines.push(
      'Nothing in the inputs can start a function, so no finding here is not a clean bill of health (see the notices).',
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
  if (notices.length > 0) {
    lines.push('', 'Notices:');
    for (const n of notices) lines.push(`  [${n.code}] ${n.file ? `${n.file}: ` : ''}${n.message}`);
  }
  if (errors.length > 0) {
    lines.push('', 'Could not read:');
    for (const e of errors) lines.push(`  ${placeOf(e)}: ${e.message}`);
  }
  if (notes.length > 0) {
    lines.push('', 'Read, but not modelled:');
    for (const e of notes) lines.push(`  ${placeOf(e)}: ${e.message}`);
  }
  return lines.join('\n');
}
