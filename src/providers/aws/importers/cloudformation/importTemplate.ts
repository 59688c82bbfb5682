/**
 * The CloudFormation/SAM import pipeline, in order: parse the text, splice in `AWS::Include` snippets, index the
 * resources (Globals merged, SAM-generated resources added), build the resolver context, run each resource's
 * handler, build the estate.
 */
import { dirname } from 'node:path';
import type { Estate } from '../../../../model/index.js';
import type { ImportOptions } from '../importer.js';
import { expandIncludes } from './awsInclude.js';
import { ImportContext } from './context.js';
import { TemplateParseError } from './errors.js';
import { EstateBuilder } from './estateBuilder.js';
import { importResources } from './handlers.js';
import { LocalFiles } from './localFiles.js';
import { parseTemplateText } from './parseTemplateText.js';
import { locationOf } from './path.js';
import { isRecord } from './resolver.js';
import { templateResources } from './templateModel.js';

const section = (value: Record<string, unknown>, key: string): Record<string, unknown> =>
  isRecord(value[key]) ? (value[key] as Record<string, unknown>) : {};

/**
 * The import context of a parsed template (includes already spliced in), or undefined (with an error) when it has
 * no resources. `files` reads the local files its resources point to (OpenAPI, state machine definitions).
 */
export function templateContext(
  file: string,
  value: Record<string, unknown>,
  lines: Map<string, number>,
  options: ImportOptions,
  builder: EstateBuilder,
  files?: LocalFiles,
): ImportContext | undefined {
  if (!isRecord(value.Resources)) {
    const message =
      'Resources' in value ? 'the Resources section is empty' : 'the template has no Resources section';
    builder.addError({ file, message, location: locationOf(['Resources'], lines) });
    return undefined;
  }
  const resources = templateResources({
    resources: value.Resources,
    resourcesPath: ['Resources'],
    globals: value.Globals,
    error: (path, message, severity) =>
      builder.addError({
        file,
        message,
        location: locationOf(path, lines),
        ...(severity ? { severity } : {}),
      }),
  });
  return new ImportContext({
    file,
    lines,
    options,
    resources,
    parameters: section(value, 'Parameters'),
    mappings: section(value, 'Mappings'),
    conditions: section(value, 'Conditions'),
    builder,
    ...(files ? { files } : {}),
  });
}

/**
 * Imports an already parsed template (`lines` maps paths to line numbers). Files it points to are read only
 * inside `root` (default: the template's directory).
 */
export function importTemplateValue(
  file: string,
  parsed: unknown,
  lines: Map<string, number>,
  options: ImportOptions,
  root: string = dirname(file),
): Estate {
  if (!isRecord(parsed)) throw new TemplateParseError(file, 'the template is not a mapping');
  const builder = new EstateBuilder();
  const files = new LocalFiles({
    root,
    notice: (notice) => builder.addNotice(notice),
    error: (error) => builder.addError(error),
  });
  const value = expandIncludes(parsed, {
    files,
    file,
    lines,
    error: (path, message) => builder.addError({ file, message, location: locationOf(path, lines) }),
  });
  const ctx = templateContext(file, value, lines, options, builder, files);
  if (ctx) importResources(ctx);
  return builder.build();
}

export function importTemplateText(
  file: string,
  text: string,
  options: ImportOptions,
  root?: string,
): Estate {
  const { value, lines } = parseTemplateText(file, text);
  return importTemplateValue(file, value, lines, options, root);
}
