/**
 * Reading inputs from disk: files and directories, each file parsed and recognised by its content, turned into an
 * Estate by the importer that recognises it. A file that cannot be read is reported and the rest still loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Estate, EstateError, Notice } from '../../../model/index.js';
import { emptyEstate } from '../../../model/index.js';
import type { Importer, ImportInput, ImportOptions } from './importer.js';
import { cloudFormationImporter, parseTemplateText, templateExports } from './cloudformation/index.js';
import { StackNamer, type StackAssignment } from './stackNames.js';
import {
  isUnsupportedName,
  unsupportedByContent,
  unsupportedByName,
  type UnsupportedInput,
} from './unsupportedInputs.js';

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
  /** Files of a format ares recognises but does not read (each named in an `unsupported-input` notice). */
  unsupported: number;
  byImporter: Record<string, number>;
}

export interface LoadedEstates {
  estates: Estate[];
  errors: EstateError[];
  /** `unsupported-input` notices: one per file, or per directory for formats spread over many files. */
  notices: Notice[];
  stats: LoadStats;
}

/** A file to load, and whether the user named it (then anything unreadable about it is an error). */
export interface InputFile {
  file: string;
  listed: boolean;
  /** The scan input (directory or file) it was found under: where samconfig files are looked for. */
  root: string;
}

/** The input files under the given paths: listed files as given, directories walked for likely inputs. */
export function listInputFiles(paths: string[], errors: EstateError[]): InputFile[] {
  const out: InputFile[] = [];
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
      } else if (
        (INPUT_FILE.test(name) || isUnsupportedName(name)) &&
        !/^(package(-lock)?|tsconfig|composer)\.json$/.test(name)
      ) {
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

/** How the loader names stacks: `--stack NAME=PATH` assignments (the rest from samconfig or the directory). */
export interface LoadOptions {
  stacks?: readonly StackAssignment[];
}

/** A file recognised by an importer, waiting for the exports of every template before it is imported. */
interface Recognised {
  input: ImportInput;
  importer: Importer;
  /** The CloudFormation stack, for templates. */
  stack?: string;
}

/** Exports resolve in rounds, since an export's value may import another's; chains longer than this are rare. */
const EXPORT_ROUNDS = 4;

/** Every template's exports, joined across the scan (the first template to export a name keeps it). */
function collectExports(templates: Recognised[], options: ImportOptions): Map<string, unknown> {
  let exports = new Map<string, unknown>();
  for (let round = 0; round < EXPORT_ROUNDS; round++) {
    const next = new Map<string, unknown>();
    for (const { input, stack } of templates) {
      const found = templateExports(input.file, input.parsed, input.lines ?? new Map(), {
        ...options,
        ...(stack !== undefined ? { stack } : {}),
        exports,
      });
      for (const [name, value] of found) if (!next.has(name)) next.set(name, value);
    }
    const settled = next.size === exports.size;
    exports = next;
    if (settled) break;
  }
  return exports;
}

/** Loads every input under `paths` with the first importer that recognises it. */
export function loadEstates(
  paths: string[],
  importers: readonly Importer[],
  options: ImportOptions,
  load: LoadOptions = {},
): LoadedEstates {
  const errors: EstateError[] = [];
  const files = listInputFiles(paths, errors);
  const loaded = loadInputFiles(files, importers, options, load);
  return { ...loaded, errors: [...errors, ...loaded.errors] };
}

/**
 * Loads listed input files (from `listInputFiles`), each with the first importer that recognises it; formats ares
 * knows but does not read become notices. `ares scan` and the corpus runner both read files through this.
 */
export function loadInputFiles(
  files: readonly InputFile[],
  importers: readonly Importer[],
  options: ImportOptions,
  load: LoadOptions = {},
): LoadedEstates {
  const errors: EstateError[] = [];
  const notices = new Map<string, Notice>();
  const stats: LoadStats = { files: 0, imported: 0, ignored: 0, failed: 0, unsupported: 0, byImporter: {} };
  const unsupported = (found: UnsupportedInput): void => {
    stats.unsupported++;
    if (!notices.has(found.key)) notices.set(found.key, found.notice);
  };
  const estates: Estate[] = [];
  const namer = new StackNamer(load.stacks ?? [], (error) => errors.push(error));
  const recognised: Recognised[] = [];
  /** Files another input reads as part of itself (a serverless.yml's `${file(...)}`): not inputs of their own. */
  const included = new Set<string>();
  const sources: { file: string; importer?: string }[] = [];
  const onInclude = (path: string): void => {
    included.add(resolve(path));
  };
  for (const { file, listed, root } of files) {
    stats.files++;
    const byName = unsupportedByName(file);
    if (byName) {
      unsupported(byName);
      continue;
    }
    const read = readInput(file, root);
    const input = 'parsed' in read ? { ...read, onInclude } : read;
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
      const byContent = unsupportedByContent(file, input.parsed);
      if (byContent) {
        unsupported(byContent);
        continue;
      }
      stats.ignored++;
      if (listed)
        errors.push({
          file,
          message:
            'not a recognised input (CloudFormation/SAM, serverless.yml, AWS CLI export, terraform show -json)',
        });
      continue;
    }
    const isTemplate = importer.name === cloudFormationImporter.name;
    recognised.push({ input, importer, ...(isTemplate ? { stack: namer.stackOf(file, root) } : {}) });
  }
  const templates = recognised.filter((r) => r.stack !== undefined);
  const exports = templates.length > 0 ? collectExports(templates, options) : new Map<string, unknown>();
  for (const { input, importer, stack } of recognised) {
    try {
      const estate = importer.import(input, {
        ...options,
        // Serverless resources may import too; only templates have a stack of their own here.
        ...(stack !== undefined ? { stack } : {}),
        exports,
      });
      estates.push(estate);
      sources.push({ file: input.file, importer: importer.name });
      stats.imported++;
      stats.byImporter[importer.name] = (stats.byImporter[importer.name] ?? 0) + 1;
    } catch (error) {
      stats.failed++;
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ file: input.file, message: `${importer.name}: ${message.split('\n')[0]}` });
      estates.push({ ...emptyEstate() });
      sources.push({ file: input.file });
    }
  }
  // A file imported on its own before the configuration that includes it was read: its part is in that one.
  const kept = estates.filter((_, i) => {
    const source = sources[i] as { file: string; importer?: string };
    if (!included.has(resolve(source.file)) || source.importer === undefined) return true;
    stats.imported--;
    stats.ignored++;
    stats.byImporter[source.importer] = (stats.byImporter[source.importer] ?? 1) - 1;
    return false;
  });
  return { estates: kept, errors, notices: [...notices.values()], stats };
}
