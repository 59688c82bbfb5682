/** `ares instrument <function dir | template>`: wrap Lambda handlers with the ares agent (see src/instrument/). */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyPlan,
  InstrumentError,
  planInstrumentation,
  type InstrumentPlan,
} from '../../instrument/index.js';
import { InputError, UsageError } from '../errors.js';

export const instrumentHelp = `Usage: ares instrument <function dir | template> [options]

Wraps each Lambda handler with the ares agent: writes ares-wrapper.mjs (Node) or ares_wrapper.py (Python, with the
ares_agent package beside it) in the function's code directory and points the template's Handler at it.
Templates: SAM/CloudFormation (YAML edited in place, JSON rewritten) and serverless.yml. A directory holding
template.yaml or serverless.yml is read as that template; any other directory is one function's code.

Options:
  --dry-run               print the changes, write nothing
  --handler <mod.fn>      the handler of a bare function directory (default: guessed)
  --block-table <file>    copy this block table beside each wrapper (ares-block-table.json)
  --public-key <pem>      copy this Ed25519 public key beside each wrapper (ares-public-key.pem)
  -h, --help              show this help

Running it again changes nothing. Exit codes: 0 done, 2 invalid input or usage.`;

function show(file: string): string {
  return relative(process.cwd(), file) || file;
}

export function formatPlan(plan: InstrumentPlan, dryRun: boolean): string {
  const lines: string[] = [];
  for (const f of plan.functions) {
    if (f.outcome === 'wrapped') {
      lines.push(`wrap    ${f.id}: ${f.from} -> ${f.to}${f.line !== undefined ? ` (line ${f.line})` : ''}`);
    } else if (f.outcome === 'already-wrapped') lines.push(`ok      ${f.id}: already ${f.handler}`);
    else lines.push(`skip    ${f.id}: ${f.reason}`);
  }
  for (const w of plan.writes)
    lines.push(`${w.state === 'new' ? 'create' : 'update'}  ${show(w.file)} (${w.why})`);
  for (const note of plan.notes) lines.push(`note    ${note}`);
  if (plan.writes.length === 0) lines.push('nothing to change');
  else if (dryRun) lines.push(`dry run: ${plan.writes.length} file(s) would be written`);
  return lines.join('\n');
}

export function runInstrument(args: string[], print: (text: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      handler: { type: 'string' },
      'block-table': { type: 'string' },
      'public-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(instrumentHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError('instrument takes exactly one function directory or template');
  const target = positionals[0] as string;
  let plan: InstrumentPlan;
  try {
    plan = planInstrumentation(target, {
      ...(values.handler !== undefined ? { handler: values.handler } : {}),
      ...(values['block-table'] !== undefined ? { blockTable: values['block-table'] } : {}),
      ...(values['public-key'] !== undefined ? { publicKey: values['public-key'] } : {}),
    });
  } catch (error) {
    if (error instanceof InstrumentError)
      throw new InputError(error.file, error.message.slice(error.file.length + 2));
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(target, (error as Error).message);
    throw error;
  }
  if (!values['dry-run']) applyPlan(plan);
  print(formatPlan(plan, values['dry-run'] === true));
  return 0;
}
