/**
 * Shows one generated case with both answers and its shrunk repro:
 *   npx tsx test/differential/repro.ts <seed> <index> [--no-shrink]
 */
import { generateCase, toSimulationFile } from './generate.js';
import { explainingEntries, loadAllowlist, reproText, runAres, shrink } from './harness.js';
import { runOracle } from './oracle.js';

const [seedArg, indexArg] = process.argv.slice(2);
if (seedArg === undefined || indexArg === undefined) {
  console.error('usage: npx tsx test/differential/repro.ts <seed> <index> [--no-shrink]');
  process.exit(2);
}
const c = generateCase(Number(seedArg), Number(indexArg));
const ares = runAres(c);
const oracle = await runOracle(c);
console.log(`case #${c.index} (seed ${c.seed}): ares=${ares}, iam-simulate=${oracle.decision}`);
if (ares === oracle.decision || oracle.decision === 'error') {
  console.log(JSON.stringify(toSimulationFile(c), null, 2));
  if (oracle.error) console.log(`iam-simulate error: ${oracle.error}`);
} else {
  const tags = new Set([...c.features, ...oracle.tags]);
  const entries = await explainingEntries(loadAllowlist(), c, tags, ares, oracle.decision);
  console.log(entries ? `allowlisted by: ${entries.map((e) => e.id).join(' + ')}` : 'not allowlisted');
  const minimal = process.argv.includes('--no-shrink')
    ? undefined
    : (await shrink(c, ares, oracle.decision)).case;
  console.log(
    reproText({
      index: c.index,
      ares,
      oracle: oracle.decision,
      features: [...tags].sort(),
      case: c,
      ...(minimal ? { minimal } : {}),
    }),
  );
}
