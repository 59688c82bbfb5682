/** The Markdown report: a summary table and one section per finding, for pull requests and wikis. */
import type { ScanReport } from '../scanReport.js';
import { renderPath } from './textReport.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownReport(report: ScanReport): string {
  const lines = [
    '# ares scan',
    '',
    `${report.findings.length} finding(s), ${report.errors.length} input error(s).`,
    '',
  ];
  if (report.findings.length > 0) {
    lines.push(
      '| Severity | Denial | Requester | Entry | Resource | Actions | Id |',
      '|---|---|---|---|---|---|---|',
    );
    for (const f of report.findings) {
      lines.push(
        `| ${f.severity} | ${f.denial} | ${cell(f.principal.name)} | ${cell(f.entry.name)} | ${cell(f.resource.name)} | ${cell(f.actions.join(', '))} | \`${f.id}\` |`,
      );
    }
    for (const f of report.findings) {
      lines.push('', `## ${f.id}`, '', '```', renderPath(f.path), '```');
      if (f.conditions)
        lines.push('', `Holds only for some values of: ${f.conditions.map((c) => `\`${c}\``).join(', ')}.`);
    }
  }
  if (report.errors.length > 0) {
    lines.push('', '## Inputs that could not be read', '');
    for (const e of report.errors)
      lines.push(`- \`${e.file}\`${e.location ? ` (${cell(e.location)})` : ''}: ${cell(e.message)}`);
  }
  return lines.join('\n');
}
