/** `ares simulate <request.json>`: decide one AWS request against the policies in the file. */
import { parseArgs } from 'node:util';
import type { Decision, DecisionReason } from '../../model/index.js';
import {
  authorize,
  compilePolicySet,
  parseSimulationInput,
  PolicyValidationError,
} from '../../providers/aws/index.js';
import type { PolicyWarning } from '../../providers/aws/policy/index.js';
import { InputError, UsageError } from '../errors.js';
import { readJsonFile } from '../readJsonFile.js';

export const simulateHelp = `Usage: ares simulate <request.json> [--format text|json]

Decides one AWS request exactly as AWS's policy evaluation logic does.
The file holds {"request": {...}, "identityPolicies"?, "resourcePolicy"?, "permissionsBoundary"?,
"sessionPolicy"?, "scps"?, "rcps"?}; see the README for the format.

Options:
  --format text|json   output format (default text)
  -h, --help           show this help

Exit codes: 0 for any decision, 2 for invalid input or usage.`;

function describeReason(reason: DecisionReason): string {
  if (reason.kind === 'no-allow') {
    return `no allow   ${reason.policy ?? reason.policyType}: ${reason.message}`;
  }
  const sid = reason.sid ? ` (Sid ${reason.sid})` : '';
  const keys = reason.conditionKeys ? ` [condition keys: ${reason.conditionKeys.join(', ')}]` : '';
  return `${reason.effect.padEnd(10)} ${reason.policy} Statement[${reason.statement}]${sid}${keys}`;
}

export function formatDecisionText(decision: Decision, warnings: PolicyWarning[]): string {
  const lines = [`Decision: ${decision.decision}`];
  if (decision.decision === 'conditional') {
    lines.push(`  depends on: ${decision.missingContextKeys.join(', ')}`);
    lines.push(`  possible:   ${decision.possibleDecisions.join(', ')}`);
  }
  if (decision.reasons.length > 0) {
    lines.push('Reasons:');
    for (const reason of decision.reasons) lines.push(`  ${describeReason(reason)}`);
  }
  if (warnings.length > 0) {
    lines.push('Warnings:');
    for (const w of warnings) lines.push(`  ${w.path}: ${w.message}`);
  }
  return lines.join('\n');
}

export function runSimulate(args: string[], print: (text: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    print(simulateHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('simulate takes exactly one request file');
  if (values.format !== 'text' && values.format !== 'json') {
    throw new UsageError(`--format must be text or json, not "${values.format}"`);
  }
  const file = positionals[0] as string;
  const raw = readJsonFile(file);
  let decision: Decision;
  let warnings: PolicyWarning[];
  try {
    const { request, policies } = parseSimulationInput(raw);
    const compiled = compilePolicySet(policies);
    warnings = compiled.warnings;
    decision = authorize(request, compiled);
  } catch (error) {
    if (error instanceof PolicyValidationError) throw new InputError(file, error.message);
    throw error;
  }
  if (values.format === 'json') {
    print(JSON.stringify(warnings.length > 0 ? { ...decision, warnings } : decision, null, 2));
  } else {
    print(formatDecisionText(decision, warnings));
  }
  return 0;
}
