/**
 * Profile build and bypass search on synthetic estates of 1k, 3k and 10k functions (5k requesters, 20k resources,
 * event chains). Each size runs in its own process so its peak memory is its own. Prints time, peak memory,
 * growth against the 1k run, and how many exact evaluations the indexes did against the blind product.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from './formatTable.js';

interface SizeResult {
  functions: number;
  requesters: number;
  resources: number;
  profileMs: number;
  searchMs: number;
  totalMs: number;
  peakRssMb: number;
  evaluations: number;
  userInvoke: number;
  functionEdges: number;
  findings: number;
  entryPoints?: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function measure(functions: number): SizeResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'profileSize.ts'), String(functions)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').pop() as string) as SizeResult;
}

export async function run(): Promise<void> {
  const sizes = [1000, 3000, 10000];
  const results = sizes.map(measure);
  const base = results[0] as SizeResult;
  const rows = [
    [
      'functions',
      'profile s',
      'search s',
      'total s',
      'peak MB',
      'x time vs 1k',
      'x size',
      'findings',
      'exact evals',
      'blind evals',
      'avoided',
    ],
  ];
  for (const r of results) {
    // Blind: every requester against every entry point, every function against every resource action.
    const blind = r.requesters * (r.functions * 1.5) + r.functions * r.resources * 2;
    rows.push([
      String(r.functions),
      (r.profileMs / 1000).toFixed(2),
      (r.searchMs / 1000).toFixed(2),
      (r.totalMs / 1000).toFixed(2),
      String(r.peakRssMb),
      (r.totalMs / base.totalMs).toFixed(2),
      (r.functions / base.functions).toFixed(1),
      String(r.findings),
      String(r.evaluations),
      blind.toExponential(1),
      `${Math.round(blind / r.evaluations)}x`,
    ]);
  }
  console.log(formatTable(rows));
  console.log('target: 10k functions in under 10 s and under 2 GB, growing about linearly');
}
