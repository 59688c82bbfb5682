/**
 * The `AWS::Include` transform, applied before the rest of the import: every `Fn::Transform` named
 * `AWS::Include` (anywhere, e.g. in a `DefinitionBody`) and the top-level `Transform` form are replaced by the
 * YAML or JSON snippet their `Location` names, read through LocalFiles (local, inside the scan root).
 */
import type { LocalFiles } from './localFiles.js';
import { locationOf, type Path } from './path.js';
import { isRecord } from './resolver.js';

const INCLUDE = 'AWS::Include';
/** Snippets that include snippets: deeper than this is a loop or an attack, not a template. */
const MAX_NESTING = 8;
const MAX_INCLUDES = 256;
const MAX_DEPTH = 256;

export interface IncludeInput {
  files: LocalFiles;
  /** The template file; relative locations are resolved from the directory of the file that names them. */
  file: string;
  lines: ReadonlyMap<string, number>;
  /** A construct in the template that is wrong (not an unreadable file, which LocalFiles reports). */
  error: (path: Path, message: string) => void;
}

/** The `Location` of an `AWS::Include` transform value, or why there is none; undefined when not an include. */
function includeLocation(transform: unknown): { location?: string; problem?: string } | undefined {
  if (!isRecord(transform) || transform.Name !== INCLUDE) return undefined;
  const parameters = transform.Parameters;
  const location = isRecord(parameters) ? parameters.Location : undefined;
  if (typeof location === 'string' && location.trim() !== '') return { location: location.trim() };
  return { problem: 'a Location that is not a literal path (an S3 URI built at deployment)' };
}

/**
 * What stands for an include that was not read: its siblings when it has some (a resource map stays a map of
 * resources), else the transform as written, so later stages see a value they cannot read, not an empty one.
 */
const unread = (value: Record<string, unknown>, siblings: Record<string, unknown>): unknown =>
  Object.keys(siblings).length > 0 ? siblings : value;

class Includer {
  private count = 0;

  constructor(private readonly input: IncludeInput) {}

  private unresolvedLocation(path: Path, problem: string | undefined, from: string): void {
    const where = `${this.input.file} ${locationOf(path, this.input.lines)}`;
    this.input.files.unresolved('the AWS::Include snippet', where, problem ?? 'unreadable', from);
  }

  /** The snippet `location` names, itself expanded; undefined when it cannot be read (already reported). */
  private snippet(location: string, from: string, path: Path, stack: readonly string[]): unknown {
    if (stack.length >= MAX_NESTING || ++this.count > MAX_INCLUDES) {
      this.input.error(path, `too many nested or repeated AWS::Include snippets; ${location} is not read`);
      return undefined;
    }
    const where = `${this.input.file} ${locationOf(path, this.input.lines)}`;
    const read = this.input.files.read(location, from, 'the AWS::Include snippet', where);
    if (!read) return undefined;
    if (stack.includes(read.file)) {
      this.input.error(path, `AWS::Include of ${read.file} includes itself; not read again`);
      return undefined;
    }
    return this.expand(read.value, path, read.file, [...stack, read.file], 0);
  }

  /** `value` with every include inside it spliced in; `from` is the file `value` was read from. */
  expand(value: unknown, path: Path, from: string, stack: readonly string[], depth: number): unknown {
    if (depth > MAX_DEPTH) return value;
    if (Array.isArray(value))
      return value.map((item, i) => this.expand(item, [...path, i], from, stack, depth + 1));
    if (!isRecord(value)) return value;
    const include = includeLocation(value['Fn::Transform']);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (include && key === 'Fn::Transform') continue;
      out[key] = this.expand(child, [...path, key], from, stack, depth + 1);
    }
    if (!include) return out;
    const transformPath = [...path, 'Fn::Transform'];
    if (include.location === undefined) {
      this.unresolvedLocation(transformPath, include.problem, from);
      return unread(value, out);
    }
    const snippet = this.snippet(include.location, from, transformPath, stack);
    if (snippet === undefined) return unread(value, out);
    if (Object.keys(out).length === 0) return snippet;
    if (!isRecord(snippet)) {
      this.input.error(transformPath, 'the AWS::Include snippet is not a mapping but has sibling keys');
      return out;
    }
    // Keys written beside the transform win over the snippet's.
    return { ...snippet, ...out };
  }

  /** The top-level `Transform: {Name: AWS::Include, ...}` form: the snippet's sections merge into the template's. */
  expandTopLevel(template: Record<string, unknown>): Record<string, unknown> {
    const transforms = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
    let out = template;
    transforms.forEach((transform, i) => {
      const include = includeLocation(transform);
      if (!include) return;
      const path: Path = Array.isArray(template.Transform) ? ['Transform', i] : ['Transform'];
      if (include.location === undefined) {
        this.unresolvedLocation(path, include.problem, this.input.file);
        return;
      }
      const snippet = this.snippet(include.location, this.input.file, path, []);
      if (snippet === undefined) return;
      if (!isRecord(snippet)) {
        this.input.error(path, 'the top-level AWS::Include snippet is not a mapping of template sections');
        return;
      }
      out = mergeSections(out, snippet);
    });
    return out;
  }
}

/** Sections (Resources, Outputs, ...) merge entry by entry; the template's own entries win. */
function mergeSections(
  template: Record<string, unknown>,
  snippet: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...template };
  for (const [section, value] of Object.entries(snippet)) {
    const own = out[section];
    if (own === undefined) out[section] = value;
    else if (isRecord(own) && isRecord(value)) out[section] = { ...value, ...own };
  }
  return out;
}

/** The template with every `AWS::Include` it names spliced in (unreadable ones are reported and left as written). */
export function expandIncludes(
  template: Record<string, unknown>,
  input: IncludeInput,
): Record<string, unknown> {
  const includer = new Includer(input);
  const top = includer.expandTopLevel(template);
  const out = includer.expand(top, [], input.file, [], 0);
  return isRecord(out) ? out : top;
}

/** True when `value` is an `AWS::Include` transform left in place because its snippet could not be read. */
export function isUnreadInclude(value: unknown): boolean {
  return isRecord(value) && includeLocation(value['Fn::Transform']) !== undefined;
}
