/**
 * The files `${file(...)}` reads: paths are relative to the service directory (the Framework's rule), and only
 * files inside the scan root are read, so a configuration cannot make ares read `/etc/passwd` or `../../secrets`.
 * YAML and JSON are parsed (CloudFormation short tags allowed); JavaScript is never run; other files are text.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { parseTemplateText } from '../cloudformation/index.js';

/** Configuration fragments are small; a larger file is not one. */
const MAX_FILE_BYTES = 1024 * 1024;

export type FileContent =
  | { ok: true; value: unknown }
  /** `missing`: no such file (fallbacks apply, as in the Framework); `refused`: not read on purpose or broken. */
  | { ok: false; kind: 'missing' | 'refused'; problem: string };

export interface FileAccess {
  /** Directory of serverless.yml: `file()` paths are relative to it. */
  serviceDir: string;
  /** Nothing outside this directory is read. */
  root: string;
  /** Told of each file read. */
  onRead?: (file: string) => void;
}

export class VariableFiles {
  private readonly cache = new Map<string, FileContent>();

  constructor(private readonly access: FileAccess) {}

  /** The parsed content of the file `path` names, or why there is none. */
  read(path: string): FileContent {
    if (isAbsolute(path))
      return { ok: false, kind: 'refused', problem: `the absolute path ${path} is not read` };
    const full = resolve(this.access.serviceDir, path);
    const inside = relative(resolve(this.access.root), full);
    if (inside.startsWith('..') || isAbsolute(inside))
      return {
        ok: false,
        kind: 'refused',
        problem: `${path} is outside the scanned directory and is not read`,
      };
    const cached = this.cache.get(full);
    if (cached) return cached;
    const content = this.load(path, full);
    this.cache.set(full, content);
    return content;
  }

  private load(path: string, full: string): FileContent {
    const extension = extname(full).toLowerCase();
    if (['.js', '.cjs', '.mjs', '.ts'].includes(extension))
      return { ok: false, kind: 'refused', problem: `${path} is code, which ares does not run` };
    let text: string;
    try {
      const stats = statSync(full);
      if (!stats.isFile()) return { ok: false, kind: 'refused', problem: `${path} is not a file` };
      if (stats.size > MAX_FILE_BYTES)
        return { ok: false, kind: 'refused', problem: `${path} is larger than 1 MiB and is not read` };
      text = readFileSync(full, 'utf8');
      this.access.onRead?.(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? { ok: false, kind: 'missing', problem: `${path} does not exist` }
        : { ok: false, kind: 'refused', problem: `${path} cannot be read (${code ?? 'error'})` };
    }
    if (!['.yml', '.yaml', '.json'].includes(extension)) return { ok: true, value: text };
    try {
      return { ok: true, value: parseTemplateText(full, text).value ?? null };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      return { ok: false, kind: 'refused', problem: `${path} does not parse: ${message}` };
    }
  }
}
