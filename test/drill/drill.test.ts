/**
 * `ares drill`: every finding replayed through the real agents on the local platform stand-in, under every arrival
 * mode, must be refused at or before the harmful access, and every legitimate path must pass. On the bundled
 * example, on generated estates (chains, fan-out, cycles, stacks, event patterns: the reference test's generator),
 * and with a deliberately broken block table, to show the drill does catch a leak.
 */
import { describe, expect, it } from 'vitest';
import { runDrill, type DrillInput } from '../../src/drill/index.js';
import { bypassFindings } from '../../src/findings/index.js';
import type { BlockTable, DrillReport } from '../../src/model/index.js';
import { buildProfile, compileProfileSnapshot, findBypassPaths } from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { runCli } from '../cli/runCli.js';
import { generateEstate } from '../reference/generateEstate.js';

function drillInput(seed: number, breakTable?: (table: BlockTable) => BlockTable): DrillInput {
  const { estate } = generateEstate(seed);
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const paths = findBypassPaths(profile, authorizer);
  const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
  return {
    estate,
    authorizer,
    profile,
    findings,
    account: '123456789012',
    region: 'us-east-1',
    compile: (signers) => {
      const table = compileProfileSnapshot(paths, findings, authorizer, estate, {}, '2026-01-01T00:00:00Z', {
        profile,
        signers,
      }).blockTable;
      return breakTable ? breakTable(table) : table;
    },
  };
}

function leaks(report: DrillReport): string[] {
  return [
    ...report.attacks.filter((a) => a.blockedAt === null).map((a) => `${a.mode} ${a.finding}`),
    ...report.legit.filter((l) => !l.passed).map((l) => `legit ${l.path.join(' > ')} at ${l.blockedAt}`),
  ];
}

describe('ares drill', () => {
  it('blocks every attack on the bundled example under every arrival mode, and passes the legitimate path', async () => {
    const result = await runCli('drill', 'examples/estate', '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DrillReport;
    expect(report.version).toBe(1);
    expect(report.summary.attacks).toBeGreaterThanOrEqual(10);
    expect(report.summary.blocked).toBe(report.summary.attacks);
    expect(new Set(report.attacks.map((a) => a.mode))).toEqual(
      new Set([
        'platform-identity',
        'signed-context',
        'no-context',
        'tampered-context',
        'replayed-context',
        'lifted-context',
        'forged-event-identity',
      ]),
    );
    // mallory's chain (queue → order-consumer → topic → ledger-writer) is refused where the ledger is written.
    const mallory = report.attacks.filter((a) => a.principal === 'mallory');
    expect(mallory.length).toBeGreaterThan(0);
    for (const a of mallory.filter((x) => x.blockedAt !== 'platform'))
      expect(a.blockedAt).toBe('ledger-writer');
    expect(report.legit.some((l) => l.principal === 'V' && l.passed)).toBe(true);
    expect(report.summary.passed).toBe(report.summary.legit);
  });

  it('prints a one-line summary in text and exits 2 on a usage error', async () => {
    const text = await runCli('drill', 'examples/estate');
    expect(text.stdout).toMatch(/^ares drill: (\d+)\/\1 attacks blocked, (\d+)\/\2 legitimate paths passed/);
    expect((await runCli('drill')).code).toBe(2);
    expect((await runCli('drill', 'examples/estate', '--format', 'xml')).code).toBe(2);
  });

  it('reports the leak when the block table forgets what to block (the drill can fail)', async () => {
    const emptied = (table: BlockTable): BlockTable => ({
      ...table,
      functions: Object.fromEntries(
        Object.entries(table.functions).map(([id, fn]) => [
          id,
          { ...fn, blocked: {}, unvouched: [], conduit: false },
        ]),
      ),
    });
    let seed = 1;
    let input = drillInput(seed, emptied);
    while (input.findings.length === 0) input = drillInput(++seed, emptied);
    const report = await runDrill(input);
    expect(report.summary.attacks).toBeGreaterThan(0);
    expect(report.summary.blocked).toBeLessThan(report.summary.attacks);
    expect(report.attacks.some((a) => a.blockedAt === null)).toBe(true);
  });

  it('holds on generated estates: every finding blocked in every mode, every legitimate path passes', async () => {
    let estates = 0;
    let attacks = 0;
    let legit = 0;
    const failures: string[] = [];
    for (let seed = 1; estates < 12 && seed <= 200; seed++) {
      const input = drillInput(seed);
      if (input.findings.length === 0) continue;
      estates++;
      const report = await runDrill(input, { maxLegit: 50 });
      attacks += report.summary.attacks;
      legit += report.summary.legit;
      for (const leak of leaks(report)) failures.push(`seed ${seed}: ${leak}`);
    }
    console.log(`drill property: ${estates} estates, ${attacks} attacks, ${legit} legitimate paths`);
    expect(estates).toBe(12);
    expect(attacks).toBeGreaterThan(estates);
    expect(failures).toEqual([]);
  });
});
