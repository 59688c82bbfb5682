/**
 * Handler strings and languages: `dir/module.export` as Lambda reads them, the language a runtime or the code
 * implies, and the wrapper's export name for each original handler (stable across runs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Language = 'node' | 'python';

export interface HandlerRef {
  /** Module path relative to the code root, without extension (`src/app`; Python may use dots: `pkg.app`). */
  module: string;
  /** Exported function name. */
  fn: string;
}

export const NODE_WRAPPER = 'ares-wrapper';
export const PYTHON_WRAPPER = 'ares_wrapper';

export function wrapperModule(language: Language): string {
  return language === 'node' ? NODE_WRAPPER : PYTHON_WRAPPER;
}

export function parseHandler(handler: string): HandlerRef | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  return { module: handler.slice(0, dot), fn: handler.slice(dot + 1) };
}

export function languageOfRuntime(runtime: unknown): Language | undefined {
  if (typeof runtime !== 'string') return undefined;
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  return undefined;
}

const NODE_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'];

/** The Node source file of a handler module (`src/app` → `src/app.mjs`), if it exists. */
export function nodeModuleFile(codeRoot: string, module: string): string | undefined {
  return NODE_EXTENSIONS.map((ext) => module + ext).find((file) => existsSync(join(codeRoot, file)));
}

/** Language from the code alone: package.json or a .js/.mjs/.ts file means Node; a .py file means Python. */
export function detectLanguage(codeRoot: string): Language | undefined {
  let entries: string[];
  try {
    entries = readdirSync(codeRoot);
  } catch {
    return undefined;
  }
  const own = entries.filter((f) => !f.startsWith(NODE_WRAPPER) && !f.startsWith(PYTHON_WRAPPER));
  if (own.includes('package.json') || own.some((f) => NODE_EXTENSIONS.some((ext) => f.endsWith(ext)))) {
    return 'node';
  }
  if (own.some((f) => f.endsWith('.py'))) return 'python';
  return undefined;
}

const NODE_DEFAULTS = ['index.handler', 'app.handler', 'handler.handler', 'main.handler'];
const PYTHON_DEFAULTS = [
  'lambda_function.lambda_handler',
  'app.lambda_handler',
  'app.handler',
  'handler.handler',
];

/** For a bare function directory: the handler its code most plausibly exports (package.json `main`, then usual names). */
export function guessHandler(codeRoot: string, language: Language): string | undefined {
  if (language === 'node') {
    const candidates = [...NODE_DEFAULTS];
    try {
      const main = (JSON.parse(readFileSync(join(codeRoot, 'package.json'), 'utf8')) as { main?: unknown })
        .main;
      if (typeof main === 'string')
        candidates.unshift(`${main.replace(/^\.\//, '').replace(/\.[cm]?[jt]s$/, '')}.handler`);
    } catch {
      // no package.json, or not JSON: the usual names remain
    }
    return candidates.find((h) => {
      const ref = parseHandler(h)!;
      const file = nodeModuleFile(codeRoot, ref.module);
      return (
        file !== undefined && new RegExp(`\\b${ref.fn}\\b`).test(readFileSync(join(codeRoot, file), 'utf8'))
      );
    });
  }
  return PYTHON_DEFAULTS.find((h) => {
    const ref = parseHandler(h)!;
    const file = join(codeRoot, `${ref.module}.py`);
    return (
      existsSync(file) &&
      new RegExp(`^(async\\s+)?def\\s+${ref.fn}\\s*\\(`, 'm').test(readFileSync(file, 'utf8'))
    );
  });
}

/**
 * The wrapper's export for an original handler: the one already assigned to it, else the original export name,
 * else `<module>_<fn>` made an identifier, else that with a number. Existing assignments never change.
 */
export function exportNameFor(original: string, assigned: Map<string, string>): string {
  for (const [name, handler] of assigned) if (handler === original) return name;
  const ref = parseHandler(original)!;
  const base = `${ref.module}_${ref.fn}`.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
  const candidates = [ref.fn, base];
  let name = candidates.find((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c) && !assigned.has(c));
  for (let i = 2; name === undefined; i++) if (!assigned.has(`${base}_${i}`)) name = `${base}_${i}`;
  assigned.set(name, original);
  return name;
}
