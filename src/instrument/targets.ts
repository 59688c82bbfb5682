/**
 * The functions an input declares, with where their code lives and where their handler is written: every
 * AWS::Serverless::Function / AWS::Lambda::Function of a SAM or CloudFormation template (YAML or JSON), every
 * function of a serverless.yml, or the one function of a bare code directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isScalar, parseDocument, type Document } from 'yaml';
import { InstrumentError } from './errors.js';
import { detectLanguage, guessHandler, languageOfRuntime, type Language } from './handlers.js';

/** Where a handler value sits in its template: a YAML scalar's source range, or a JSON path. */
export type HandlerLocation =
  | { kind: 'yaml'; start: number; end: number; quote: 'plain' | 'single' | 'double'; line: number }
  | { kind: 'json'; path: string[] };

export interface FunctionTarget {
  /** Logical id, serverless function name, or the directory. */
  id: string;
  language?: Language;
  /** Absolute directory the handler path is relative to (SAM CodeUri, serverless service root, the directory). */
  codeRoot: string;
  handler?: string;
  location?: HandlerLocation;
  /** Why this function cannot be instrumented, when it cannot. */
  skip?: string;
}

export interface Source {
  kind: 'cloudformation' | 'serverless' | 'directory';
  /** The template file (absent for a directory). */
  file?: string;
  text?: string;
  targets: FunctionTarget[];
}

const TEMPLATE_NAMES = [
  'template.yaml',
  'template.yml',
  'template.json',
  'serverless.yml',
  'serverless.yaml',
];
const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readSource(path: string, handlerOption?: string): Source {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new InstrumentError(path, 'no such file or directory');
  if (statSync(absolute).isDirectory()) {
    const template = TEMPLATE_NAMES.map((n) => join(absolute, n)).find(existsSync);
    return template ? readTemplate(template) : readDirectory(absolute, handlerOption);
  }
  return readTemplate(absolute);
}

function readDirectory(dir: string, handlerOption?: string): Source {
  const language = detectLanguage(dir);
  const target: FunctionTarget = { id: dir, codeRoot: dir };
  if (language === undefined) target.skip = 'no package.json, .js/.mjs/.ts or .py file: language unknown';
  else {
    target.language = language;
    const handler = handlerOption ?? guessHandler(dir, language);
    if (handler === undefined) target.skip = 'no handler found (pass --handler module.function)';
    else target.handler = handler;
  }
  return { kind: 'directory', targets: [target] };
}

function quoteOf(type: unknown): 'plain' | 'single' | 'double' | undefined {
  if (type === 'PLAIN') return 'plain';
  if (type === 'QUOTE_SINGLE') return 'single';
  if (type === 'QUOTE_DOUBLE') return 'double';
  return undefined;
}

/** The handler value at `path` as a plain string with its YAML location; a reason when it is not one. */
function yamlHandler(
  doc: Document,
  text: string,
  path: string[],
): { handler: string; location: HandlerLocation } | { skip: string } | undefined {
  const node = doc.getIn(path, true);
  if (node === undefined) return undefined;
  if (!isScalar(node) || node.tag !== undefined || typeof node.value !== 'string' || !node.range) {
    return { skip: `${path.join('.')} is not a plain string (an intrinsic function or block scalar)` };
  }
  const quote = quoteOf(node.type);
  if (quote === undefined) return { skip: `${path.join('.')} is a block scalar` };
  const [start, end] = node.range;
  const line = text.slice(0, start).split('\n').length;
  return { handler: node.value, location: { kind: 'yaml', start, end, quote, line } };
}

function readTemplate(file: string): Source {
  const text = readFileSync(file, 'utf8');
  const json = file.endsWith('.json') || text.trimStart().startsWith('{');
  let data: unknown;
  let doc: Document | undefined;
  if (json) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InstrumentError(file, `not JSON: ${(error as Error).message}`);
    }
  } else {
    doc = parseDocument(text);
    if (doc.errors.length > 0)
      throw new InstrumentError(file, `not YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    data = doc.toJS({ maxAliasCount: 1000 });
  }
  if (!isObject(data)) throw new InstrumentError(file, 'not a template (no top-level mapping)');
  const root = dirname(file);
  const locate = (path: string[]) =>
    doc
      ? yamlHandler(doc, text, path)
      : typeof getPath(data, path) === 'string'
        ? { handler: getPath(data, path) as string, location: { kind: 'json' as const, path } }
        : getPath(data, path) === undefined
          ? undefined
          : { skip: `${path.join('.')} is not a plain string` };
  if (isObject(data.functions) && (data.service !== undefined || basename(file).startsWith('serverless'))) {
    return { kind: 'serverless', file, text, targets: serverlessTargets(data, root, locate) };
  }
  if (!isObject(data.Resources))
    throw new InstrumentError(file, 'neither a CloudFormation template nor a serverless.yml');
  return { kind: 'cloudformation', file, text, targets: cloudFormationTargets(data, root, locate) };
}

function getPath(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}

type Locate = (
  path: string[],
) => { handler: string; location: HandlerLocation } | { skip: string } | undefined;

function cloudFormationTargets(data: Json, root: string, locate: Locate): FunctionTarget[] {
  const globals = getPath(data, ['Globals', 'Function']);
  const targets: FunctionTarget[] = [];
  for (const [id, resource] of Object.entries(data.Resources as Json)) {
    if (!isObject(resource) || !FUNCTION_TYPES.has(resource.Type as string)) continue;
    const props = isObject(resource.Properties) ? resource.Properties : {};
    const sam = resource.Type === 'AWS::Serverless::Function';
    const pick = (key: string): unknown =>
      props[key] ?? (sam && isObject(globals) ? globals[key] : undefined);
    const target: FunctionTarget = { id, codeRoot: root };
    targets.push(target);
    const language = languageOfRuntime(pick('Runtime'));
    if (language) target.language = language;
    if (pick('PackageType') === 'Image') {
      target.skip = 'container image function: wrap the handler in the image';
      continue;
    }
    const code = sam ? (pick('CodeUri') ?? (props.InlineCode !== undefined ? null : '.')) : props.Code;
    if (typeof code !== 'string' || code.startsWith('s3://')) {
      target.skip = 'code is inline or in S3, not in a local directory';
      continue;
    }
    target.codeRoot = resolve(root, code);
    const found = locate(['Resources', id, 'Properties', 'Handler']);
    if (found === undefined) {
      target.skip =
        sam && isObject(globals) && globals.Handler !== undefined
          ? 'Handler comes from Globals: set Handler on the function to instrument it alone'
          : 'no Handler';
      continue;
    }
    if ('skip' in found) target.skip = found.skip;
    else Object.assign(target, found);
    target.language ??= detectLanguage(target.codeRoot);
    if (target.language === undefined && !target.skip) target.skip = 'runtime is neither Node.js nor Python';
  }
  return targets;
}

function serverlessTargets(data: Json, root: string, locate: Locate): FunctionTarget[] {
  const providerRuntime = getPath(data, ['provider', 'runtime']);
  const targets: FunctionTarget[] = [];
  for (const [name, fn] of Object.entries(data.functions as Json)) {
    const target: FunctionTarget = { id: name, codeRoot: root };
    targets.push(target);
    if (!isObject(fn)) {
      target.skip = 'not a function definition';
      continue;
    }
    if (fn.image !== undefined) {
      target.skip = 'container image function: wrap the handler in the image';
      continue;
    }
    const language = languageOfRuntime(fn.runtime ?? providerRuntime) ?? detectLanguage(root);
    if (language) target.language = language;
    const found = locate(['functions', name, 'handler']);
    if (found === undefined) target.skip = 'no handler';
    else if ('skip' in found) target.skip = found.skip;
    else Object.assign(target, found);
    if (target.language === undefined && !target.skip) target.skip = 'runtime is neither Node.js nor Python';
  }
  return targets;
}
