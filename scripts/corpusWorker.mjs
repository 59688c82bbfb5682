/**
 * The corpus worker: analyses one input file per message (import, profile, bypass search) and answers with counts.
 * It reads the file through the same library function as `ares scan` (loadInputFiles), so both recognise the same.
 */
import { parentPort } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const { awsImporters, DEFAULT_IMPORT_OPTIONS, loadInputFiles } = await import(
  join(dist, 'providers/aws/importers/index.js')
);
const { buildProfile, findBypassPaths, mergeEstates, profileNotices } = await import(
  join(dist, 'profile/index.js')
);
const { createAwsEstateAuthorizer } = await import(join(dist, 'providers/aws/estateAuthorizer/index.js'));

parentPort.on('message', (entry) => {
  const started = performance.now();
  const { file } = entry;
  const loaded = loadInputFiles([entry], awsImporters, DEFAULT_IMPORT_OPTIONS);
  const importer = Object.keys(loaded.stats.byImporter)[0] ?? 'unparsed';
  if (loaded.stats.unsupported > 0) {
    parentPort.postMessage({ file, outcome: 'unsupported', notices: loaded.notices });
    return;
  }
  if (loaded.stats.imported === 0 && loaded.stats.failed === 0) {
    parentPort.postMessage({ file, outcome: 'ignored' });
    return;
  }
  if (loaded.stats.failed > 0) {
    parentPort.postMessage({
      file,
      outcome: 'failed',
      importer,
      reason: loaded.errors[0]?.message ?? 'unknown',
    });
    return;
  }
  const estate = mergeEstates(loaded.estates);
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const findings = findBypassPaths(profile, authorizer).length;
  const errors = [...estate.errors, ...authorizer.errors].filter((e) => e.severity !== 'info');
  parentPort.postMessage({
    file,
    outcome: 'analysed',
    importer,
    functions: estate.functions.length,
    triggers: estate.triggers.length,
    requesters: profile.requesters.length,
    findings,
    errors: errors.length,
    errorMessages: errors.map((e) => e.message),
    notices: [...loaded.notices, ...estate.notices, ...profileNotices(profile)],
    ms: Math.round(performance.now() - started),
  });
});
