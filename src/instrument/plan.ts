/**
 * The instrumentation plan: for each function, the wrapper export its handler points to, the wrapper files to
 * write, the Python agent to vendor, and the template edit. Planning reads only; `applyPlan` writes. A second run
 * finds every handler already on its wrapper and plans nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportNameFor, nodeModuleFile, parseHandler, wrapperModule, type Language } from './handlers.js';
import { readSource, type FunctionTarget, type Source } from './targets.js';
import {
  BLOCK_TABLE_FILE,
  PUBLIC_KEY_FILE,
  readWrapperMetadata,
  renderWrapper,
  wrapperFile,
} from './wrappers.js';

export interface InstrumentOptions {
  /** For a bare function directory: the handler to wrap (`module.function`) when it cannot be guessed. */
  handler?: string;
  /** A block table file to place beside each wrapper as ares-block-table.json. */
  blockTable?: string;
  /** An Ed25519 public key (PEM) to place beside each wrapper as ares-public-key.pem. */
  publicKey?: string;
  /** Where the Python agent package is (default: agents/python/ares_agent of this installation). */
  pythonAgentDir?: string;
}

export interface FileWrite {
  file: string;
  content: string;
  /** `new` or `update`. */
  state: 'new' | 'update';
  why: string;
}

export type FunctionOutcome =
  | { id: string; outcome: 'wrapped'; from: string; to: string; line?: number }
  | { id: string; outcome: 'already-wrapped'; handler: string }
  | { id: string; outcome: 'skipped'; reason: string };

export interface InstrumentPlan {
  source: Source['kind'];
  template?: string;
  functions: FunctionOutcome[];
  writes: FileWrite[];
  /** Follow-up the user must do by hand (a directory has no template to point at the wrapper). */
  notes: string[];
}

const DEFAULT_PYTHON_AGENT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../agents/python/ares_agent',
);

function plannedWrite(writes: FileWrite[], file: string, content: string, why: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) return;
  writes.push({ file, content, state: current === undefined ? 'new' : 'update', why });
}

interface WrapperGroup {
  language: Language;
  codeRoot: string;
  handlers: Map<string, string>;
  changed: boolean;
}

export function planInstrumentation(path: string, options: InstrumentOptions = {}): InstrumentPlan {
  const source = readSource(path, options.handler);
  const plan: InstrumentPlan = { source: source.kind, functions: [], writes: [], notes: [] };
  if (source.file) plan.template = source.file;
  const groups = new Map<string, WrapperGroup>();
  const edits: { target: FunctionTarget; handler: string }[] = [];

  for (const target of source.targets) {
    if (target.skip || !target.language || !target.handler) {
      plan.functions.push({ id: target.id, outcome: 'skipped', reason: target.skip ?? 'no handler' });
      continue;
    }
    const key = `${target.language}\u0000${target.codeRoot}`;
    let group = groups.get(key);
    if (!group) {
      const file = join(target.codeRoot, wrapperFile(target.language));
      const existing = existsSync(file)
        ? readWrapperMetadata(readFileSync(file, 'utf8'))
        : new Map<string, string>();
      group = { language: target.language, codeRoot: target.codeRoot, handlers: existing, changed: false };
      groups.set(key, group);
    }
    const ref = parseHandler(target.handler);
    if (!ref) {
      plan.functions.push({
        id: target.id,
        outcome: 'skipped',
        reason: `handler "${target.handler}" is not module.function`,
      });
      continue;
    }
    if (ref.module === wrapperModule(target.language) && group.handlers.has(ref.fn)) {
      plan.functions.push({ id: target.id, outcome: 'already-wrapped', handler: target.handler });
      continue;
    }
    if (target.language === 'node' && nodeModuleFile(target.codeRoot, ref.module) === undefined) {
      plan.functions.push({
        id: target.id,
        outcome: 'skipped',
        reason: `no module ${ref.module}.(m|c)js/.ts in ${target.codeRoot}`,
      });
      continue;
    }
    const exportName = exportNameFor(target.handler, group.handlers);
    group.changed = true;
    const to = `${wrapperModule(target.language)}.${exportName}`;
    plan.functions.push({
      id: target.id,
      outcome: 'wrapped',
      from: target.handler,
      to,
      ...(target.location?.kind === 'yaml' ? { line: target.location.line } : {}),
    });
    if (target.location) edits.push({ target, handler: to });
    else plan.notes.push(`set the handler of ${target.id} to ${to}`);
  }

  for (const group of groups.values()) {
    if (group.handlers.size === 0) continue;
    const file = join(group.codeRoot, wrapperFile(group.language));
    plannedWrite(
      plan.writes,
      file,
      renderWrapper(group.language, group.codeRoot, group.handlers),
      'wrapper entry',
    );
    if (group.language === 'python')
      vendorPythonAgent(plan, group.codeRoot, options.pythonAgentDir ?? DEFAULT_PYTHON_AGENT);
    else
      plan.notes.push(
        `${relative(process.cwd(), group.codeRoot) || '.'}: the deployment package must include the ares package (it imports 'ares/agent')`,
      );
    if (options.blockTable)
      plannedWrite(
        plan.writes,
        join(group.codeRoot, BLOCK_TABLE_FILE),
        readFileSync(options.blockTable, 'utf8'),
        'block table',
      );
    if (options.publicKey)
      plannedWrite(
        plan.writes,
        join(group.codeRoot, PUBLIC_KEY_FILE),
        readFileSync(options.publicKey, 'utf8'),
        'public key',
      );
  }

  if (source.file && source.text !== undefined && edits.length > 0) {
    plannedWrite(
      plan.writes,
      source.file,
      editTemplate(source.text, edits),
      'handlers point to the wrappers',
    );
  }
  return plan;
}

function vendorPythonAgent(plan: InstrumentPlan, codeRoot: string, agentDir: string): void {
  if (!existsSync(agentDir)) {
    plan.notes.push(
      `${codeRoot}: the Python agent (ares_agent) was not found at ${agentDir}; add it to the package`,
    );
    return;
  }
  for (const name of readdirSync(agentDir)
    .filter((f) => f.endsWith('.py'))
    .sort()) {
    plannedWrite(
      plan.writes,
      join(codeRoot, 'ares_agent', name),
      readFileSync(join(agentDir, name), 'utf8'),
      'Python agent',
    );
  }
}

function quoted(value: string, quote: 'plain' | 'single' | 'double'): string {
  if (quote === 'single') return `'${value.replace(/'/g, "''")}'`;
  if (quote === 'double') return JSON.stringify(value);
  return value;
}

/** YAML: replace each handler scalar in place, last first, leaving every other byte alone. JSON: rewrite. */
function editTemplate(text: string, edits: { target: FunctionTarget; handler: string }[]): string {
  const first = edits[0]!.target.location!;
  if (first.kind === 'json') {
    const data = JSON.parse(text) as Record<string, unknown>;
    for (const { target, handler } of edits) {
      const path = (target.location as { path: string[] }).path;
      let node = data;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path[path.length - 1]!] = handler;
    }
    const indent = /^\{\s*\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
    return JSON.stringify(data, null, indent) + (text.endsWith('\n') ? '\n' : '');
  }
  const yamlEdits = edits
    .map(({ target, handler }) => ({
      location: target.location as Extract<FunctionTarget['location'], { kind: 'yaml' }>,
      handler,
    }))
    .sort((a, b) => b.location.start - a.location.start);
  let out = text;
  for (const { location, handler } of yamlEdits) {
    out = out.slice(0, location.start) + quoted(handler, location.quote) + out.slice(location.end);
  }
  return out;
}

export function applyPlan(plan: InstrumentPlan): void {
  for (const write of plan.writes) {
    mkdirSync(dirname(write.file), { recursive: true });
    writeFileSync(write.file, write.content);
  }
}
