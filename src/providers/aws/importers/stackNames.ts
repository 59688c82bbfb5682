/**
 * Which CloudFormation stack a template is deployed as: a `--stack NAME=PATH` the user gave, else the
 * `stack_name` of the nearest `samconfig.toml`/`samconfig.yaml` (the template's directory or a parent, up to the
 * scan root), else the template's directory name. The stack name qualifies every name CloudFormation generates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { EstateError } from '../../../model/index.js';

/** A `--stack NAME=PATH` assignment: every template at PATH (a file, or a directory and below) is stack NAME. */
export interface StackAssignment {
  name: string;
  path: string;
}

const SAMCONFIG_FILES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'];
/** SAM reads `stack_name` from the deploy command's table first, then the global one. */
const SAMCONFIG_SECTIONS = ['deploy', 'global'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** `stack_name` of the default environment of a parsed samconfig, if it names one. */
export function samconfigStackName(config: unknown): string | undefined {
  const env = isRecord(config) ? config.default : undefined;
  for (const section of SAMCONFIG_SECTIONS) {
    const table = isRecord(env) ? env[section] : undefined;
    const parameters = isRecord(table) ? table.parameters : undefined;
    const name = isRecord(parameters) ? parameters.stack_name : undefined;
    if (typeof name === 'string' && name !== '') return name;
  }
  return undefined;
}

/** Names stacks for the templates of one scan; samconfig files are read once each. */
export class StackNamer {
  private readonly configs = new Map<string, string | undefined>();
  private readonly assignments: { name: string; path: string }[];

  constructor(
    assignments: readonly StackAssignment[],
    /** Where problems with a samconfig file go (the file is then ignored). */
    private readonly report: (error: EstateError) => void,
  ) {
    // The most specific assignment wins: longer paths first.
    this.assignments = assignments
      .map((a) => ({ name: a.name, path: resolve(a.path) }))
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The stack of the template `file`, found under the scan input `root` (a directory, or the file itself). */
  stackOf(file: string, root: string): string {
    const absolute = resolve(file);
    for (const { name, path } of this.assignments) if (isWithin(absolute, path)) return name;
    const rootDir = resolve(root) === absolute ? dirname(absolute) : resolve(root);
    for (let dir = dirname(absolute); ; dir = dirname(dir)) {
      const name = this.samconfigIn(dir);
      if (name !== undefined) return name;
      if (dir === rootDir || !isWithin(dir, rootDir) || dirname(dir) === dir) break;
    }
    return basename(dirname(absolute)) || 'stack';
  }

  private samconfigIn(dir: string): string | undefined {
    if (this.configs.has(dir)) return this.configs.get(dir);
    let name: string | undefined;
    for (const file of SAMCONFIG_FILES) {
      const path = join(dir, file);
      if (!existsSync(path)) continue;
      try {
        const text = readFileSync(path, 'utf8');
        name = samconfigStackName(file.endsWith('.toml') ? parseToml(text) : parseYaml(text));
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
        this.report({
          file: path,
          message: `samconfig does not parse (${message}); its stack_name is not used`,
        });
      }
      if (name !== undefined) break;
    }
    this.configs.set(dir, name);
    return name;
  }
}
