/**
 * Differential test: ares's AWS authorizer against @cloud-copilot/iam-simulate on generated cases.
 * Fails on any disagreement that allowlist.json does not explain (each entry cites the AWS documentation).
 *
 * ARES_DIFF_SEED (default 42) and ARES_DIFF_COUNT (default 5000) override the run;
 * ARES_DIFF_REPORT=path writes every disagreement as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distributionLine, loadAllowlist, reproText, runDifferential, summaryLine } from './harness.js';

const seed = Number(process.env.ARES_DIFF_SEED ?? 42);
const count = Number(process.env.ARES_DIFF_COUNT ?? 5000);

describe('differential: ares vs iam-simulate', () => {
  it('allowlist entries are well-formed and cite the AWS documentation', () => {
    expect(() => loadAllowlist()).not.toThrow();
  });

  it(`agrees on ${count} generated requests (seed ${seed})`, { timeout: 180_000 }, async () => {
    const result = await runDifferential({
      seed,
      count,
      maxRepros: Number(process.env.ARES_DIFF_MAX_REPROS ?? 40),
    });
    const out: string[] = [];
    const unexplained = result.disagreements.filter((x) => !x.allowlistedBy);
    for (const d of unexplained.filter((x) => x.minimal)) out.push(reproText(d));
    const rest = unexplained.filter((x) => !x.minimal);
    if (rest.length > 0) {
      out.push(
        `--- ${rest.length} more unexplained disagreements (not shrunk; ARES_DIFF_REPORT=file.json writes them all):`,
      );
      for (const d of rest) out.push(`case #${d.index}: ares=${d.ares}, iam-simulate=${d.oracle}`);
    }
    if (result.unexplained > 0)
      out.push(`unexplained by answer pair: ${JSON.stringify(result.unexplainedByPair)}`);
    const hits = Object.entries(result.allowlistHits).map(([id, n]) => `${id}=${n}`);
    if (hits.length > 0) out.push(`allowlist hits: ${hits.join(', ')}`);
    out.push(distributionLine(result));
    out.push(
      `time: ${(result.elapsedMs / 1000).toFixed(1)} s (ares ${(result.aresMs / 1000).toFixed(2)} s incl. compile, iam-simulate ${(result.oracleMs / 1000).toFixed(2)} s)`,
    );
    out.push(summaryLine(result));
    console.log(out.join('\n'));
    if (process.env.ARES_DIFF_REPORT) {
      mkdirSync(dirname(process.env.ARES_DIFF_REPORT), { recursive: true });
      writeFileSync(process.env.ARES_DIFF_REPORT, JSON.stringify(result, null, 2));
    }
    expect(
      result.oracleErrors,
      `iam-simulate refused ${result.oracleErrors} generated cases: ${JSON.stringify(result.oracleErrorSamples)}`,
    ).toBe(0);
    expect(result.unexplained, summaryLine(result)).toBe(0);
  });
});
