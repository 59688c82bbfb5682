/**
 * Files a template points to (`AWS::Include` locations, OpenAPI `DefinitionUri`, Step Functions
 * `DefinitionUri`): read when they are local and inside the scan root, as `aws cloudformation package` would
 * find them. Anything else (an S3 URI, an absolute path, a path leaving the root, a missing file) is a notice,
 * never a read, so a hostile template cannot make ares read files outside what the user asked it to scan.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { EstateError, Notice } from '../../../../model/index.js';
import { TemplateParseError } from './errors.js';
import { parseTemplateText } from './parseTemplateText.js';

/** An included file is a snippet or an API/workflow definition, never data: the same cap as the loader. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface LocalFileRead {
  /** The file as ares names it: its location joined to the including file's directory. */
  file: string;
  value: unknown;
  /** pathKey → line inside the included file. */
  lines: Map<string, number>;
}

export interface LocalFilesInput {
  /** The directory the scan may read; includes resolving outside it are not read. */
  root: string;
  notice: (notice: Notice) => void;
  error: (error: EstateError) => void;
}

/** The notice for a file that is not read: what it is, where it is named, why, and what that costs. */
export function unreadFileNotice(what: string, where: string, why: string, file: string): Notice {
  return {
    code: 'unresolved-reference',
    message: `${what} at ${where} is ${why}; it is not read, so what it defines is missing from the scan`,
    file,
  };
}

const within = (root: string, target: string): boolean => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

export class LocalFiles {
  private readonly realRoot: string | undefined;

  constructor(private readonly input: LocalFilesInput) {
    try {
      this.realRoot = realpathSync(input.root);
    } catch {
      this.realRoot = undefined;
    }
  }

  /**
   * A file that differs only in letter case: the template works on a case-insensitive file system (macOS,
   * Windows) but not where it is deployed from on Linux, so it is named, not read.
   */
  private caseHint(target: string, location: string): string {
    try {
      const dir = realpathSync(dirname(target));
      if (this.realRoot === undefined || !within(this.realRoot, dir)) return '';
      const wanted = basename(target).toLowerCase();
      const match = readdirSync(dir).find((name) => name.toLowerCase() === wanted);
      return match ? `; ${join(dirname(location), match)} differs only in letter case` : '';
    } catch {
      return '';
    }
  }

  /** Reports a file that is not read, as an `unresolved-reference` notice on `from`. */
  unresolved(what: string, where: string, why: string, from: string): undefined {
    this.input.notice(unreadFileNotice(what, where, why, from));
    return undefined;
  }

  /**
   * Reads `location`, relative to the directory of `from` (the file that names it), and parses it as YAML or
   * JSON. `what` says what the file is for (`the AWS::Include snippet`), `where` is where it is named
   * (`template.yaml Resources.Api.Properties.DefinitionBody (line 12)`); both go into notices and errors.
   */
  read(location: string, from: string, what: string, where: string): LocalFileRead | undefined {
    const skip = (why: string): undefined => this.unresolved(what, where, why, from);
    if (/^s3:\/\//i.test(location) || /^https?:\/\//i.test(location))
      return skip(`in S3 (${location}); scan a local copy next to the template`);
    if (isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location))
      return skip(`an absolute path (${location}), outside the scanned tree`);
    const target = resolve(dirname(from), location);
    let realTarget: string;
    try {
      realTarget = realpathSync(target);
    } catch {
      return skip(`missing (${location}${this.caseHint(target, location)})`);
    }
    // Compare real paths so that a symbolic link cannot lead out of the root either.
    if (this.realRoot === undefined || !within(this.realRoot, realTarget))
      return skip(`outside the scanned tree (${location})`);
    // Named as the including file is (relative if the user gave a relative path), for errors and locations.
    const file = join(dirname(from), location);
    let text: string;
    try {
      const stats = statSync(realTarget);
      if (!stats.isFile()) return skip(`not a file (${location})`);
      if (stats.size > MAX_FILE_BYTES) return skip(`larger than 20 MiB (${location})`);
      text = readFileSync(realTarget, 'utf8');
    } catch (error) {
      return skip(`unreadable (${location}: ${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      const { value, lines } = parseTemplateText(file, text);
      return { file, value, lines };
    } catch (error) {
      const problem = error instanceof TemplateParseError ? error.message : String(error);
      this.input.error({ file, message: `${what} named at ${where} does not parse: ${problem}` });
      return undefined;
    }
  }
}
