/** `ares drill <paths...>`: replays every finding through the real agents under every arrival mode. */
import { parseArgs } from 'node:util';
import type { DrillReport } from '../../model/index.js';
import { runDrill } from '../../drill/index.js';
import { DEFAULT_IMPORT_OPTIONS } from '../../providers/aws/importers/index.js';
import { UsageError } from '../errors.js';
import { scanPaths, scanSnapshot } from './scan.js';

export const drillHelp = `Usage: ares drill <paths...> [options]

Builds the profile of the estate, runs every function in this process behind its real agent on a local stand-in
of the platform (Lambda invoke, SQS, SNS, EventBridge, S3 notifications, speaking their wire formats), and then:
- replays every finding's witness path under each way its requester can arrive (identified by the platform, with a
  signed context, with no context, a tampered, a replayed or another person's lifted context, a forged identity in
  the event): each must be refused at or before the harmful access;
- replays the paths each requester may legitimately take, with the requester identified: each must pass.

Options:
  --format text|json   output format (default text)
  --account ID         account id for pseudo parameters (default ${DEFAULT_IMPORT_OPTIONS.account})
  --region R           region for pseudo parameters (default ${DEFAULT_IMPORT_OPTIONS.region})
  --param K=V          template parameter value (repeatable)
  --max-legit N        replay at most N legitimate paths (default 2000)
  -h, --help           show this help

Exit codes: 0 every attack blocked and every legitimate path passed, 1 otherwise, 2 usage error.`;

export function drillText(report: DrillReport): string {
  const { summary } = report;
  const lines = [
    `ares drill: ${summary.blocked}/${summary.attacks} attacks blocked, ${summary.passed}/${summary.legit} legitimate paths passed`,
  ];
  for (const a of report.attacks.filter((x) => x.blockedAt === null))
    lines.push(
      `  NOT BLOCKED ${a.mode}: ${a.principal} ${a.access.action} on ${a.access.resource} [${a.finding}]`,
    );
  for (const l of report.legit.filter((x) => !x.passed))
    lines.push(`  REFUSED legitimate path: ${l.path.join(' -> ')} (at ${l.blockedAt ?? '?'})`);
  return lines.join('\n');
}

export async function runDrillCommand(args: string[], print: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      account: { type: 'string', default: DEFAULT_IMPORT_OPTIONS.account },
      region: { type: 'string', default: DEFAULT_IMPORT_OPTIONS.region },
      param: { type: 'string', multiple: true, default: [] },
      'max-legit': { type: 'string', default: '2000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(drillHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('drill needs at least one file or directory');
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError('--format must be text or json');
  const maxLegit = Number(values['max-legit']);
  if (!Number.isInteger(maxLegit) || maxLegit < 0) throw new UsageError('--max-legit takes a whole number');
  const params: Record<string, string> = {};
  for (const p of values.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes K=V, not "${p}"`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const scan = scanPaths(positionals, {
    account: values.account,
    region: values.region,
    params,
    includeImplicit: false,
  });
  const report = await runDrill(
    {
      estate: scan.estate,
      authorizer: scan.authorizer,
      profile: scan.profile,
      findings: scan.report.findings,
      compile: (signers) => scanSnapshot(scan, new Date().toISOString(), signers).blockTable,
      account: values.account,
      region: values.region,
    },
    { maxLegit },
  );
  print(values.format === 'json' ? JSON.stringify(report, null, 2) : drillText(report));
  const { summary } = report;
  return summary.blocked === summary.attacks && summary.passed === summary.legit ? 0 : 1;
}
