/**
 * A template's exports (`Outputs.<Name>.Export.Name` → the output's `Value`), resolved in its stack, so that
 * `Fn::ImportValue` in the other templates of a scan resolves to them. Read before any template is imported.
 */
import type { ImportOptions } from '../importer.js';
import { EstateBuilder } from './estateBuilder.js';
import { templateContext } from './importTemplate.js';
import { isRecord } from './resolver.js';

/**
 * Export name → value. An export whose name cannot be resolved is left out; so is a value that still waits for an
 * import (the loader resolves again once other templates' exports are known).
 */
export function templateExports(
  file: string,
  value: unknown,
  lines: Map<string, number>,
  options: ImportOptions,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!isRecord(value) || !isRecord(value.Outputs)) return out;
  // Problems are the import's to report; this pass only reads values.
  const ctx = templateContext(file, value, lines, options, new EstateBuilder());
  if (!ctx) return out;
  for (const [outputId, output] of Object.entries(value.Outputs)) {
    if (!isRecord(output) || !isRecord(output.Export)) continue;
    const path = ['Outputs', outputId];
    if (
      typeof output.Condition === 'string' &&
      !ctx.resolver.decide(output.Condition, [...path, 'Condition'])
    )
      continue;
    const name = ctx.resolve(output.Export.Name, [...path, 'Export', 'Name']);
    // A name with a parameter unknown here (`${Stage}-TableArn`) still joins the import spelled the same way.
    if (typeof name !== 'string' || name === '' || name.includes('${Unresolved}')) continue;
    const resolved = ctx.resolve(output.Value, [...path, 'Value']);
    if (resolved === undefined || JSON.stringify(resolved).includes('${ImportValue:')) continue;
    out.set(name, resolved);
  }
  return out;
}
