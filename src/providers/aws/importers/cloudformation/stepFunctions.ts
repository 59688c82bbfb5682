/**
 * Step Functions state machines: the state machine resource, SAM's generated role, and a `state-machine`
 * trigger for every function a Task state invokes (directly by ARN, or through `lambda:invoke`).
 */
import type { ImportContext } from './context.js';
import { importDataResource } from './eventSources.js';
import type { Path } from './path.js';
import { isRecord, type TemplateResource } from './resolver.js';
import { addGeneratedRole } from './samRoles.js';
import { addTrigger } from './triggers.js';
import { functionIdOf, isFunctionArn, optionalString } from './values.js';

const MAX_DEPTH = 32;

/** Replaces `${Key}` placeholders with DefinitionSubstitutions values, in every string of the definition. */
function substitute(value: unknown, substitutions: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([^}]+)\}/g, (whole, key: string) => substitutions[key] ?? whole);
  if (Array.isArray(value)) return value.map((item) => substitute(item, substitutions));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, substitutions)]));
  return value;
}

/**
 * The state machine definition as an object: from Definition, DefinitionString, or a local file named by
 * DefinitionUri / DefinitionS3Location; undefined when it cannot be read (reported).
 */
function readDefinition(
  ctx: ImportContext,
  resource: TemplateResource,
): { definition?: unknown; path: Path } {
  const base = [...resource.path, 'Properties'];
  const substitutionsValue = ctx.resolve(resource.properties.DefinitionSubstitutions, [
    ...base,
    'DefinitionSubstitutions',
  ]);
  const substitutions: Record<string, string> = {};
  if (isRecord(substitutionsValue)) {
    for (const [key, value] of Object.entries(substitutionsValue)) {
      const text = optionalString(value);
      if (text !== undefined) substitutions[key] = text;
    }
  }
  if (resource.properties.Definition !== undefined) {
    const path = [...base, 'Definition'];
    return { definition: substitute(ctx.resolve(resource.properties.Definition, path), substitutions), path };
  }
  if (resource.properties.DefinitionString !== undefined) {
    const path = [...base, 'DefinitionString'];
    const text = ctx.resolve(resource.properties.DefinitionString, path);
    if (typeof text !== 'string') {
      ctx.error(path, 'DefinitionString does not resolve to a string');
      return { path };
    }
    try {
      return { definition: JSON.parse(substitute(text, substitutions) as string) as unknown, path };
    } catch {
      ctx.error(path, 'DefinitionString is not valid JSON after substitution; its tasks are not read');
      return { path };
    }
  }
  for (const key of ['DefinitionUri', 'DefinitionS3Location']) {
    if (resource.properties[key] === undefined) continue;
    // A definition file is read as Step Functions reads it: DefinitionSubstitutions apply, intrinsics do not.
    const path = [...base, key];
    const read = ctx.readDocument(resource.properties[key], path, 'the state machine definition');
    if (!read) return { path };
    if (!isRecord(read.value)) {
      ctx.builder.addError({
        file: read.file,
        message: 'the state machine definition is not a mapping; the functions it invokes are not read',
      });
      return { path };
    }
    return { definition: substitute(read.value, substitutions), path };
  }
  return { path: base };
}

/** The function a Task state invokes: `Resource` is a function ARN, or `lambda:invoke` with FunctionName. */
function taskFunction(state: Record<string, unknown>): string | undefined {
  const resource = optionalString(state.Resource);
  if (!resource) return undefined;
  if (isFunctionArn(resource)) return resource;
  if (!/^arn:[^:]+:states:::lambda:invoke/.test(resource)) return undefined;
  for (const key of ['Parameters', 'Arguments']) {
    const args = state[key];
    const name = isRecord(args) ? optionalString(args.FunctionName) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** Every function name or ARN a Task invokes, through Parallel branches and Map iterators. */
export function invokedFunctions(definition: unknown, depth = 0): string[] {
  if (!isRecord(definition) || !isRecord(definition.States) || depth > MAX_DEPTH) return [];
  const out: string[] = [];
  for (const state of Object.values(definition.States)) {
    if (!isRecord(state)) continue;
    const fn = taskFunction(state);
    if (fn) out.push(fn);
    if (Array.isArray(state.Branches))
      for (const branch of state.Branches) out.push(...invokedFunctions(branch, depth + 1));
    for (const key of ['Iterator', 'ItemProcessor']) out.push(...invokedFunctions(state[key], depth + 1));
  }
  return out;
}

export function importStateMachine(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const arn = importDataResource(ctx, logicalId, resource) as string;
  if (resource.type === 'AWS::Serverless::StateMachine' && resource.properties.Role === undefined) {
    addGeneratedRole(ctx, logicalId, resource, 'states.amazonaws.com', []);
  }
  const { definition, path } = readDefinition(ctx, resource);
  // Symbolic parts (`function:app-${Stage}`) are kept: the function's own id carries the same text.
  for (const fn of invokedFunctions(definition))
    addTrigger(ctx, 'state-machine', arn, functionIdOf(ctx, fn), path);
}
