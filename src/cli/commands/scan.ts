/** `ares scan <paths...>`: profile an estate and report every privilege-bypass path. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Finding, Severity } from '../../model/index.js';
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
  findBypassPaths,
  mergeEstates,
  type ReachabilityProfile,
} from '../../profile/index.js';
import { createAwsEstateAuthorizer } from '../../providers/aws/estateAuthorizer/index.js';
import { awsImporters, DEFAULT_IMPORT_OPTIONS, loadEstates } from '../../providers/aws/importers/index.js';
import { UsageError } from '../errors.js';
import { ARES_VERSION } from '../version.js';

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
  --include-implicit                  also report accesses the requester was never granted (info)
  --fail-on high|medium|low|info      exit 1 when a finding at or above this severity exists
  -h, --help                          show this help

Exit codes: 0 done (no finding at or above --fail-on), 1 such a finding exists, 2 usage error.`;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
const SEVERITIES: Severity[] = ['high', 'medium', 'low', 'info'];

export interface ScanOutcome {
  report: ScanReport;
  profile: ReachabilityProfile;
}

export interface ScanOptions {
  account: string;
  region: string;
  params: Record<string, string>;
  includeImplicit: boolean;
}

/** Loads, profiles and searches; the whole scan without output, for the CLI and for tests. */
export function scanPaths(paths: string[], options: ScanOptions): ScanOutcome {
  const loaded = loadEstates(paths, awsImporters, {
    ...DEFAULT_IMPORT_OPTIONS,
    account: options.account,
    region: options.region,
    params: options.params,
  });
  const estate = mergeEstates(loaded.estates);
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const paths_ = findBypassPaths(profile, authorizer, { includeImplicit: options.includeImplicit });
  const findings = bypassFindings(paths_, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
  const report: ScanReport = {
    version: 1,
    findings,
    errors: [...loaded.errors, ...estate.errors, ...authorizer.errors],
    stats: {
      files: loaded.stats.files,
      imported: loaded.stats.imported,
      ignored: loaded.stats.ignored,
      failed: loaded.stats.failed,
      ...profile.stats,
      findings: findings.length,
    },
  };
  return { report, profile };
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

export function runScan(args: string[], print: (text: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      account: { type: 'string', default: DEFAULT_IMPORT_OPTIONS.account },
      region: { type: 'string', default: DEFAULT_IMPORT_OPTIONS.region },
      param: { type: 'string', multiple: true, default: [] },
      'include-implicit': { type: 'boolean', default: false },
      'fail-on': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(scanHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('scan needs at least one file or directory');
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  }
  if (!/^\d{12}$/.test(values.account)) throw new UsageError('--account must be a 12-digit account id');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region))
    throw new UsageError(`--region "${values.region}" is not a region name`);
  const { report } = scanPaths(positionals, {
    account: values.account,
    region: values.region,
    params: parseParams(values.param),
    includeImplicit: values['include-implicit'],
  });
  const output = render(report, format);
  if (values.out) writeFileSync(values.out, `${output}\n`);
  else print(output);
  return failsAt(report.findings, failOn) ? 1 : 0;
}
