/** The Markdown report: a summary table and one section per finding, for pull requests and wikis. */
import type { ScanReport } from '../scanReport.js';
import { renderPath, splitErrors } from './textReport.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownReport(report: ScanReport): string {
  const { errors, notes } = splitErrors(report);
  const notices = report.notices ?? [];
  const lines = [
    '# ares scan',
    '',
    `${report.findings.length} finding(s), ${errors.length} input error(s), ${notices.length} notice(s).`,
    '',
  ];
  if (notices.some((n) => n.code === 'no-requesters'))
    lines.push(
      '**Nothing in the inputs can start a function: no finding here is not a clean bill of health.**',
      '',
    );
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
  if (notices.length > 0) {
    lines.push('', '## Notices', '');
    for (const n of notices)
      lines.push(`- **${n.code}**${n.file ? ` \`${n.file}\`` : ''}: ${cell(n.message)}`);
  }
  const list = (heading: string, items: typeof errors): void => {
    if (items.length === 0) return;
    lines.push('', heading, '');
    for (const e of items)
      lines.push(`- \`${e.file}\`${e.location ? ` (${cell(e.location)})` : ''}: ${cell(e.message)}`);
  };
  list('## Inputs that could not be read', errors);
  list('## Read, but not modelled', notes);
  return lines.join('\n');
}
