/** `ares scan <paths...>`: profile an estate and report every privilege-bypass path. */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSigners } from './keys.js';
import { parseArgs } from 'node:util';
import type { Estate, EstateAuthorizer, Finding, ProfileSnapshot, Severity } from '../../model/index.js';
import {
  bypassFindings,
  markdownReport,
  sarifReport,
  SEVERITY_RANK,
  textReport,
  type ScanReport,
} from '../../findings/index.js';
import {
  buildProfile,
  compileProfileSnapshot,
  findBypassPaths,
  mergeEstates,
  profileNotices,
  type BypassPath,
  type ReachabilityProfile,
} from '../../profile/index.js';
import { createAwsEstateAuthorizer } from '../../providers/aws/estateAuthorizer/index.js';
import {
  awsImporters,
  DEFAULT_IMPORT_OPTIONS,
  loadEstates,
  type StackAssignment,
} from '../../providers/aws/importers/index.js';
import { openProfileStore } from '../../runtime/profileStore.js';
import { UsageError } from '../errors.js';
import { ARES_VERSION } from '../version.js';

/** Where `--save` stores the profile when no file is given. */
export const DEFAULT_PROFILE_STORE = '.ares/profile.db';

export const scanHelp = `Usage: ares scan <paths...> [options]

Profiles the estate described by the given files and directories (CloudFormation/SAM templates,
serverless.yml, AWS CLI JSON exports, terraform show -json output) and reports every path by which a
requester reaches, through functions, an access it is denied.

Options:
  --format text|json|sarif|markdown   output format (default text)
  --out FILE                          write the report to FILE instead of standard output
  --account ID                        account id for pseudo parameters (default 123456789012)
  --region R                          region for pseudo parameters (default us-east-1)
  --param K=V                         template parameter value (repeatable)
  --stack NAME=PATH                   templates at PATH (a file or directory) are deployed as stack NAME
                                      (repeatable; otherwise samconfig.toml/yaml stack_name, else the
                                      template's directory name)
  --include-implicit                  also report accesses the requester was never granted (info)
  --fail-on high|medium|low|info      exit 1 when a finding at or above this severity exists
  --save [FILE]                       also store the profile (block table, findings, stats) in the
                                      profile store FILE for ares serve (default ${DEFAULT_PROFILE_STORE});
                                      FILE may be left out when --save is last or followed by another
                                      option; otherwise the next word is taken as FILE (or write --save=FILE)
  -h, --help                          show this help

Exit codes: 0 done (no finding at or above --fail-on), 1 such a finding exists, 2 usage error.`;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
const SEVERITIES: Severity[] = ['high', 'medium', 'low', 'info'];

export interface ScanOutcome {
  report: ScanReport;
  profile: ReachabilityProfile;
  /** What the block table is compiled from. */
  estate: Estate;
  authorizer: EstateAuthorizer;
  paths: BypassPath[];
}

export interface ScanOptions {
  account: string;
  region: string;
  params: Record<string, string>;
  includeImplicit: boolean;
  /** `--stack NAME=PATH` assignments. */
  stacks?: StackAssignment[];
}

/** Loads, profiles and searches; the whole scan without output, for the CLI and for tests. */
export function scanPaths(inputs: string[], options: ScanOptions): ScanOutcome {
  const loaded = loadEstates(
    inputs,
    awsImporters,
    {
      ...DEFAULT_IMPORT_OPTIONS,
      account: options.account,
      region: options.region,
      params: options.params,
    },
    { stacks: options.stacks ?? [] },
  );
  const estate = mergeEstates(loaded.estates);
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const paths = findBypassPaths(profile, authorizer, { includeImplicit: options.includeImplicit });
  const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
  const report: ScanReport = {
    version: 1,
    findings,
    errors: [...loaded.errors, ...estate.errors, ...authorizer.errors],
    notices: [...loaded.notices, ...estate.notices, ...profileNotices(profile)],
    stats: {
      files: loaded.stats.files,
      imported: loaded.stats.imported,
      ignored: loaded.stats.ignored,
      failed: loaded.stats.failed,
      unsupported: loaded.stats.unsupported,
      ...profile.stats,
      findings: findings.length,
    },
  };
  return { report, profile, estate, authorizer, paths };
}

/** The versioned snapshot of a scan that `--save` stores: its block table, findings and stats. */
export function scanSnapshot(
  outcome: ScanOutcome,
  createdAt = new Date().toISOString(),
  signers?: Record<string, string>,
): ProfileSnapshot {
  const { paths, report, authorizer, estate, profile } = outcome;
  return {
    ...compileProfileSnapshot(paths, report.findings, authorizer, estate, report.stats, createdAt, {
      profile,
      ...(signers !== undefined ? { signers } : {}),
    }),
    estate,
  };
}

/**
 * `parseArgs` cannot make an option's value optional, so `--save` is rewritten first: followed by nothing, by
 * `--`, or by another option, it becomes `--save=<default>`; otherwise the next word is its value.
 */
export function expandSaveOption(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (arg === '--save' && (next === undefined || next.startsWith('-')))
      out.push(`--save=${DEFAULT_PROFILE_STORE}`);
    else out.push(arg);
  }
  return out;
}

function saveSnapshot(file: string, snapshot: ProfileSnapshot): { version: string; created: boolean } {
  const store = openProfileStore(file);
  try {
    return store.save(snapshot);
  } finally {
    store.close();
  }
}

function parseParams(values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes K=V, not "${value}"`);
    params[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return params;
}

/** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 characters. */
const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;

function parseStacks(values: string[]): StackAssignment[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--stack takes NAME=PATH, not "${value}"`);
    const name = value.slice(0, eq);
    const path = value.slice(eq + 1);
    if (!STACK_NAME.test(name)) throw new UsageError(`--stack: "${name}" is not a CloudFormation stack name`);
    if (!existsSync(path)) throw new UsageError(`--stack ${name}: no such file or directory: ${path}`);
    return { name, path };
  });
}

export function render(report: ScanReport, format: (typeof FORMATS)[number]): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2);
    case 'sarif':
      return JSON.stringify(sarifReport(report, ARES_VERSION), null, 2);
    case 'markdown':
      return markdownReport(report);
    case 'text':
      return textReport(report);
  }
}

export function failsAt(findings: Finding[], threshold: Severity | undefined): boolean {
  if (!threshold) return false;
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]);
}

export function runScan(
  args: string[],
  print: (text: string) => void,
  printErr: (text: string) => void = () => undefined,
): number {
  const { values, positionals } = parseArgs({
    args: expandSaveOption(args),
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      account: { type: 'string', default: DEFAULT_IMPORT_OPTIONS.account },
      region: { type: 'string', default: DEFAULT_IMPORT_OPTIONS.region },
      param: { type: 'string', multiple: true, default: [] },
      stack: { type: 'string', multiple: true, default: [] },
      'include-implicit': { type: 'boolean', default: false },
      'fail-on': { type: 'string' },
      save: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(scanHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('scan needs at least one file or directory');
  // A mistyped path would otherwise scan nothing and exit 0, which reads as a clean result.
  const missing = positionals.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  }
  if (!/^\d{12}$/.test(values.account)) throw new UsageError('--account must be a 12-digit account id');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region))
    throw new UsageError(`--region "${values.region}" is not a region name`);
  if (values.save === '') throw new UsageError('--save needs a file name');
  const outcome = scanPaths(positionals, {
    account: values.account,
    region: values.region,
    params: parseParams(values.param),
    includeImplicit: values['include-implicit'],
    stacks: parseStacks(values.stack),
  });
  const { report } = outcome;
  if (values.save !== undefined) {
    // Public halves of the per-function keys (`ares keys --functions`) beside the store go into the block table.
    const signers = readSigners(dirname(values.save));
    const saved = saveSnapshot(values.save, scanSnapshot(outcome, undefined, signers));
    const note = saved.created ? '' : ' (unchanged: this version was already stored)';
    printErr(`saved profile version ${saved.version} to ${values.save}${note}`);
  }
  const output = render(report, format);
  if (values.out) writeFileSync(values.out, `${output}\n`);
  else print(output);
  return failsAt(report.findings, failOn) ? 1 : 0;
}
