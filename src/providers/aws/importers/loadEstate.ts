/**
 * Reading inputs from disk: files and directories, each file parsed and recognised by its content, turned into an
 * Estate by the importer that recognises it. A file that cannot be read is reported and the rest still loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Estate, EstateError } from '../../../model/index.js';
import { emptyEstate } from '../../../model/index.js';
import type { Importer, ImportInput, ImportOptions } from './importer.js';
import { parseTemplateText } from './cloudformation/index.js';

const INPUT_FILE = /\.(json|ya?ml|template)$/i;
const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'cdk.out',
  '.aws-sam',
  '.serverless',
  '.terraform',
]);
/** Large files are data, not estates; reading them whole would cost memory for nothing. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface LoadStats {
  files: number;
  imported: number;
  ignored: number;
  failed: number;
  byImporter: Record<string, number>;
}

export interface LoadedEstates {
  estates: Estate[];
  errors: EstateError[];
  stats: LoadStats;
}

/** The input files under the given paths: listed files as given, directories walked for likely inputs. */
export function listInputFiles(
  paths: string[],
  errors: EstateError[],
): { file: string; listed: boolean; root: string }[] {
  const out: { file: string; listed: boolean; root: string }[] = [];
  const walk = (dir: string, root: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (error) {
      errors.push({
        file: dir,
        message: `cannot read directory (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      let stats;
      try {
        stats = statSync(path);
      } catch {
        continue;
      }
      if (stats.isDirectory()) {
        if (!SKIPPED_DIRS.has(name) && !name.startsWith('.')) walk(path, root);
      } else if (INPUT_FILE.test(name) && !/^(package(-lock)?|tsconfig|composer)\.json$/.test(name)) {
        out.push({ file: path, listed: false, root });
      }
    }
  };
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push({
        file: path,
        message: code === 'ENOENT' ? 'no such file or directory' : `cannot be read (${code})`,
      });
      continue;
    }
    if (stats.isDirectory()) walk(path, path);
    else out.push({ file: path, listed: true, root: dirname(path) });
  }
  return out;
}

function readInput(file: string, root: string): ImportInput | EstateError {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return { file, message: 'larger than 20 MiB; not read' };
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const { value, lines } = parseTemplateText(file, text);
    return { file, text, parsed: value, lines, root };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
    return { file, message: `does not parse: ${message}` };
  }
}

/** Loads every input under `paths` with the first importer that recognises it. */
export function loadEstates(
  paths: string[],
  importers: readonly Importer[],
  options: ImportOptions,
): LoadedEstates {
  const errors: EstateError[] = [];
  const stats: LoadStats = { files: 0, imported: 0, ignored: 0, failed: 0, byImporter: {} };
  const estates: Estate[] = [];
  for (const { file, listed, root } of listInputFiles(paths, errors)) {
    stats.files++;
    const input = readInput(file, root);
    if (!('parsed' in input)) {
      // An unparsable file found by walking a directory may be anything; report it only if it looks like ours.
      if (listed || /template|serverless|\.tf\.json|policy|export/i.test(file)) {
        errors.push(input);
        stats.failed++;
      } else {
        stats.ignored++;
      }
      continue;
    }
    const importer = importers.find((candidate) => {
      try {
        return candidate.detect(input);
      } catch {
        return false;
      }
    });
    if (!importer) {
      stats.ignored++;
      if (listed)
        errors.push({
          file,
          message:
            'not a recognised input (CloudFormation/SAM, serverless.yml, AWS CLI export, terraform show -json)',
        });
      continue;
    }
    try {
      const estate = importer.import(input, options);
      estates.push(estate);
      stats.imported++;
      stats.byImporter[importer.name] = (stats.byImporter[importer.name] ?? 0) + 1;
    } catch (error) {
      stats.failed++;
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ file, message: `${importer.name}: ${message.split('\n')[0]}` });
      estates.push({ ...emptyEstate() });
    }
  }
  return { estates, errors, stats };
}
