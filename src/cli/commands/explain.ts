/** `ares explain <principal> <function>`: the reasoning engine's trace for one invocation, for a person to read. */
import { parseArgs } from 'node:util';
import { connectEngine } from '../../reasoning/engine/connect.js';
import type { EngineResult, TraceStep, Verdict } from '../../reasoning/engine/types.js';
import { deterministicPlanner } from '../../reasoning/planners/deterministic.js';
import { llmPlanner } from '../../reasoning/planners/llm.js';
import type { Planner } from '../../reasoning/planners/planner.js';
import { NoEstateError } from '../../reasoning/profileView.js';
import { readProfileSnapshot } from '../readProfileSnapshot.js';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_PROFILE_STORE } from './scan.js';

export const explainHelp = `Usage: ares explain <principal> <function> [options]

Asks the reasoning engine whether an invocation of <function> by <principal> is a privilege bypass, and prints
how it reasoned: each tool it called over MCP, what came back, what it concluded, and the verdict with its
check against the exact profile (the exact answer always wins). See docs/reasoning.md.

Options:
  --profile FILE        profile store, or a ProfileSnapshot .json file (default ${DEFAULT_PROFILE_STORE});
                        the snapshot must carry its estate (saved by a current 'ares scan --save')
  --chain F             a function the invocation came through before <function> (repeatable, first hop first)
  --planner P           deterministic (default) or llm
  --llm-url URL         OpenAI-compatible endpoint for --planner llm, e.g. http://localhost:8000/v1 (vLLM)
                        or http://localhost:11434/v1 (Ollama); the API key, if any, from ARES_LLM_API_KEY
  --llm-model M         the model name the endpoint serves
  --max-steps N         planner moves before the exact answer stands in (default 12)
  --format F            text (default) or json
  -h, --help            show this help

Exit codes: 0 explained (whatever the verdict), 2 usage error or unreadable profile.`;

function compactArgs(args: unknown): string {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return JSON.stringify(args);
  return Object.entries(args)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

function verdictLine(verdict: Verdict, name: (id: string) => string): string {
  return verdict.decision === 'block'
    ? `BLOCK${verdict.blockPoint ? ` at ${name(verdict.blockPoint)}` : ''}`
    : 'ALLOW';
}

function renderStep(step: TraceStep, name: (id: string) => string): string[] {
  const lines: string[] = [];
  if (step.thought && step.kind !== 'conclusion') lines.push(`     why: ${step.thought}`);
  switch (step.kind) {
    case 'call':
      lines.unshift(`  ${step.index}. ${step.tool} ${compactArgs(step.args)}`);
      lines.push(`     got: ${step.summary}`);
      break;
    case 'error':
      lines.unshift(
        `  ${step.index}. ${step.tool ?? '(no tool)'} ${step.args === undefined ? '' : compactArgs(step.args)}`.trimEnd(),
      );
      lines.push(`     refused: ${step.problem}`);
      break;
    case 'conclusion':
      lines.push(`  ${step.index}. concluded: ${verdictLine(step.verdict, name)}: ${step.verdict.reason}`);
      break;
  }
  return lines;
}

export function renderExplanation(result: EngineResult, name: (id: string) => string): string {
  const { invocation, verdict, verification } = result;
  const lines = [
    `ares explain: ${invocation.principal ?? '(no requester)'} at ${invocation.function}` +
      `${invocation.chain?.length ? ` via ${invocation.chain.join(' → ')}` : ''}` +
      ` (profile ${result.profileVersion}, planner ${result.planner})`,
    '',
    'Reasoning:',
    ...result.trace.flatMap((step) => renderStep(step, name)),
    '',
    `Verdict: ${verdictLine(verdict, name)}`,
  ];
  if (verdict.path)
    lines.push(
      `  path: ${verdict.path.map((s) => (s.edge === 'origin' ? s.name : `${s.name} (${s.edge})`)).join(' → ')}`,
    );
  lines.push(`  reason: ${verdict.reason}`);
  if (verdict.findingIds?.length) lines.push(`  findings: ${verdict.findingIds.join(', ')}`);
  const exact = `${verdictLine(verification.exact, name)}`;
  if (verification.fallback)
    lines.push(
      `Verification: the planner gave no verdict (${verification.fallback}); the exact profile's answer stands: ${exact}`,
    );
  else if (verification.agrees) lines.push(`Verification: agrees with the exact profile (${exact})`);
  else
    lines.push(
      `Verification: DISAGREES: the planner said ${verification.planner ? verdictLine(verification.planner, name) : '?'}, ` +
        `the exact profile says ${exact}; the exact answer is used`,
    );
  lines.push(`(${result.elapsedMs.toFixed(1)} ms)`);
  return lines.join('\n');
}

export async function runExplain(
  args: string[],
  print: (text: string) => void,
  printErr: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: DEFAULT_PROFILE_STORE },
      chain: { type: 'string', multiple: true, default: [] },
      planner: { type: 'string', default: 'deterministic' },
      'llm-url': { type: 'string' },
      'llm-model': { type: 'string' },
      'max-steps': { type: 'string', default: '12' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(explainHelp);
    return 0;
  }
  const [principal, fn, extra] = positionals;
  if (principal === undefined || fn === undefined)
    throw new UsageError('explain needs <principal> <function>');
  if (extra !== undefined) throw new UsageError(`explain takes two arguments (got also "${extra}")`);
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError('--format must be text or json');
  const maxSteps = Number(values['max-steps']);
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new UsageError('--max-steps must be a whole number, 1 or more');
  let planner: Planner;
  if (values.planner === 'deterministic') planner = deterministicPlanner();
  else if (values.planner === 'llm') {
    const baseURL = values['llm-url'];
    const model = values['llm-model'];
    if (baseURL === undefined || model === undefined)
      throw new UsageError('--planner llm needs --llm-url and --llm-model');
    planner = llmPlanner({ baseURL, model });
  } else throw new UsageError('--planner must be deterministic or llm');

  const snapshot = readProfileSnapshot(values.profile);
  let connected;
  try {
    connected = await connectEngine(snapshot, {
      planner,
      maxSteps,
      log: (line) => printErr(`ares explain: ${line}`),
    });
  } catch (error) {
    if (error instanceof NoEstateError) throw new InputError(values.profile, error.message);
    throw error;
  }
  try {
    const result = await connected.engine.decide({
      function: fn,
      principal,
      ...(values.chain.length > 0 ? { chain: values.chain } : {}),
    });
    const exact = connected.engine.exact;
    const name = (ref: string): string => exact.functionName(exact.functionId(ref) ?? ref);
    print(values.format === 'json' ? JSON.stringify(result, null, 2) : renderExplanation(result, name));
    return 0;
  } finally {
    await connected.close();
  }
}
