/**
 * Runs every bench file (bench/*.bench.ts) in name order, in this process.
 * Each bench file exports `run(): Promise<void>`. Usage: `npm run bench` (tsx bench/run.ts), or
 * `npx tsx bench/run.ts [filter]` to run only the bench files whose name contains `filter`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no bench files${filter ? ` matching "${filter}"` : ''} in ${here}`);
  process.exitCode = 1;
}

for (const file of files) {
  console.log(`\n# ${file}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
  await mod.run();
}
