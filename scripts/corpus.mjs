#!/usr/bin/env node
/**
 * `npm run corpus -- <dir>`: scans every input file under a directory on its own (import, profile, bypass search)
 * and prints how many were analysed, how many failed and why, and the notices (formats ares sees but does not
 * read, estates nobody can invoke). Files are listed and read by the same library functions as `ares scan`
 * (listInputFiles, loadInputFiles). Each file runs in a worker thread with a time limit, so a hang is reported as
 * one instead of stopping the run. Uses the built code in dist/.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2];
const LIMIT_MS = Number(process.env.ARES_CORPUS_TIMEOUT_MS ?? 20000);
if (!dir) {
  console.error('usage: npm run corpus -- <dir>');
  process.exit(2);
}

const { listInputFiles } = await import(join(here, '../dist/providers/aws/importers/index.js'));
const listErrors = [];
const files = listInputFiles([dir], listErrors);

let worker;
function startWorker() {
  worker = new Worker(join(here, 'corpusWorker.mjs'));
  worker.unref();
}

function analyse(entry) {
  const { file } = entry;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
      void worker.terminate();
      startWorker();
      resolve({ file, outcome: 'hang', reason: `no answer within ${LIMIT_MS} ms` });
    }, LIMIT_MS);
    worker.once('message', (result) => {
      clearTimeout(timer);
      worker.removeAllListeners('error');
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      startWorker();
      resolve({ file, outcome: 'crash', reason: String(error?.message ?? error).split('\n')[0] });
    });
    worker.postMessage(entry);
  });
}

startWorker();
const started = Date.now();
const results = [];
for (const file of files) results.push(await analyse(file));
await worker.terminate();

const count = (pred) => results.filter(pred).length;
const group = (items) => {
  const map = new Map();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return [...map].sort((a, b) => b[1] - a[1]);
};
const generalise = (message) =>
  message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b(arn:[^\s,;)]+)/g, 'ARN')
    .replace(/\d+/g, 'N')
    .slice(0, 140);

const recognised = results.filter((r) => r.outcome !== 'ignored' && r.outcome !== 'unsupported');
console.log(`corpus: ${dir}`);
console.log(
  `files seen: ${results.length}, recognised as inputs: ${recognised.length}, ` +
    `known formats ares does not read (with a notice): ${count((r) => r.outcome === 'unsupported')}, ` +
    `not inputs (ignored, no notice): ${count((r) => r.outcome === 'ignored')}`,
);
console.log(
  `analysed: ${count((r) => r.outcome === 'analysed')}, failed: ${count((r) => r.outcome === 'failed')}, ` +
    `crashed: ${count((r) => r.outcome === 'crash')}, hung: ${count((r) => r.outcome === 'hang')}`,
);
console.log(
  `by importer: ${group(recognised.map((r) => r.importer ?? '?'))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(
  `analysed files with construct-level errors: ${count((r) => r.outcome === 'analysed' && r.errors > 0)}, ` +
    `functions: ${results.reduce((n, r) => n + (r.functions ?? 0), 0)}, triggers: ${results.reduce((n, r) => n + (r.triggers ?? 0), 0)}, ` +
    `findings: ${results.reduce((n, r) => n + (r.findings ?? 0), 0)}`,
);
const failures = results.filter((r) => ['failed', 'crash', 'hang'].includes(r.outcome));
if (failures.length > 0) {
  console.log('\nwhy files failed (top 15):');
  for (const [reason, n] of group(failures.map((r) => `${r.outcome}: ${generalise(r.reason)}`)).slice(
    0,
    15,
  )) {
    console.log(`  ${String(n).padStart(5)}  ${reason}`);
  }
  console.log('\nexamples:');
  for (const r of failures.slice(0, 10)) console.log(`  ${relative(process.cwd(), r.file)}: ${r.reason}`);
}
const constructErrors = results.flatMap((r) => r.errorMessages ?? []);
if (constructErrors.length > 0) {
  console.log('\nconstruct-level errors in analysed files (top 15):');
  for (const [reason, n] of group(constructErrors.map(generalise)).slice(0, 15))
    console.log(`  ${String(n).padStart(5)}  ${reason}`);
}
// Notices: one per file or directory, so the same notice from several files is counted once.
const notices = new Map();
for (const r of results)
  for (const n of r.notices ?? []) notices.set(`${n.code}\u0000${n.file ?? r.file}\u0000${n.message}`, n);
const byCode = group([...notices.values()].map((n) => n.code));
console.log(`\nnotices: ${notices.size} (${byCode.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
const unsupported = group(
  [...notices.values()].filter((n) => n.code === 'unsupported-input').map((n) => n.message.split(':')[0]),
);
for (const [format, n] of unsupported) console.log(`  ${String(n).padStart(5)}  unsupported: ${format}`);
const requesterless = results.filter((r) => (r.notices ?? []).some((n) => n.code === 'no-requesters')).length;
console.log(`  analysed files where nothing can start a function (no-requesters): ${requesterless}`);
console.log(`requesters in analysed files: ${results.reduce((n, r) => n + (r.requesters ?? 0), 0)}`);
const ignored = results.filter((r) => r.outcome === 'ignored');
if (ignored.length > 0) {
  console.log('\nignored (not recognised, no notice), by file name (top 10):');
  for (const [name, n] of group(ignored.map((r) => r.file.slice(r.file.lastIndexOf('/') + 1))).slice(0, 10))
    console.log(`  ${String(n).padStart(5)}  ${name}`);
}
const slow = [...results].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 3);
console.log(
  `\nslowest: ${slow.map((r) => `${relative(process.cwd(), r.file)} ${r.ms ?? '?'} ms`).join('; ')}`,
);
console.log(`total time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = count((r) => r.outcome === 'crash' || r.outcome === 'hang') > 0 ? 1 : 0;
