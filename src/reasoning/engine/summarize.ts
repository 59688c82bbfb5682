/** One line for a person about what a tool call returned (the ares MCP tools' structured answers, or any text). */
import type { ToolResult } from './types.js';

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (v: unknown): string => (isRec(v) && typeof v.name === 'string' ? v.name : '?');
const list = (items: string[], max = 4): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

function clip(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function access(item: unknown): string {
  return isRec(item) ? `${String(item.action)} on ${nameOf(item.resource)}` : '?';
}

export function summarizeResult(tool: string, result: ToolResult): string {
  if (result.isError) return `error: ${clip(result.text)}`;
  const s = result.structured;
  if (!isRec(s)) return clip(result.text) || '(empty)';
  if (Array.isArray(s.invokes))
    return s.invokes.length === 0
      ? `${nameOf(s.principal)} may start no function`
      : `${nameOf(s.principal)} may start ${list([...new Set(s.invokes.map((i) => nameOf(isRec(i) ? i.function : undefined)))])}`;
  if (Array.isArray(s.reach))
    return `${nameOf(s.function)} reaches ${s.reach.length} access(es)${s.transitive === true ? ' (transitively)' : ''}: ${list(s.reach.map(access), 3)}`;
  if (Array.isArray(s.denied))
    return s.denied.length === 0
      ? `${nameOf(s.principal)} is denied nothing any function reaches`
      : `${nameOf(s.principal)} is denied ${list(
          s.denied.map((d) => `${access(d)} (${isRec(d) ? String(d.denial) : '?'})`),
          3,
        )}`;
  if (Array.isArray(s.findings) && tool !== 'explain_decision')
    return s.findings.length === 0
      ? 'no bypass path'
      : `${s.findings.length} bypass path(s): ${list(
          s.findings.map((f) =>
            isRec(f) && Array.isArray(f.path) ? f.path.map((p) => nameOf(p)).join(' → ') : '?',
          ),
          2,
        )}`;
  if (typeof s.decision === 'string' && typeof s.reason === 'string')
    return `${s.decision}: ${clip(s.reason, 140)}`;
  if (isRec(s.decision) && typeof s.decision.decision === 'string')
    return `${nameOf(s.principal)} ${String(s.action)} on ${nameOf(s.resource)}: ${s.decision.decision}`;
  return clip(result.text || JSON.stringify(s));
}
