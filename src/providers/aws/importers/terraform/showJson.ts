/**
 * Reading `terraform show -json`: the resources of a plan (`planned_values`) or a state (`values`), flattened out of
 * `child_modules`, and the plan's `configuration`, whose expressions name the resources an attribute refers to when
 * its value is unknown until apply.
 */
import { arrayField, isRecord, stringField, type JsonRecord } from '../cli/json.js';
import type { EstateBuilder } from '../cli/estateBuilder.js';

export interface TfResource {
  /** The instance address, e.g. `module.app["eu"].aws_iam_role.exec[0]`. */
  address: string;
  /** The address in configuration: module instance keys and the resource index stripped. */
  configAddress: string;
  /** The configuration path of the module, `` for the root, else e.g. `module.app`. */
  modulePath: string;
  /** The module instance address, `` for the root, else e.g. `module.app["eu"]`. */
  moduleInstance: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  values: JsonRecord;
}

/** An expression in `configuration`: a constant, or the references it is built from. */
export interface TfExpression {
  constant_value?: unknown;
  references?: string[];
}

export interface TfConfigModule {
  path: string;
  /** Resource address inside the module (`aws_iam_role.exec`) → its `expressions`. */
  resources: Map<string, JsonRecord>;
  /** Module call name → the call's argument expressions and the called module. */
  calls: Map<string, { expressions: JsonRecord; module: TfConfigModule }>;
  /** Output name → its expression. */
  outputs: Map<string, JsonRecord>;
  parent?: TfConfigModule;
  /** The name this module is called by in its parent. */
  callName?: string;
}

export interface TfDocument {
  kind: 'plan' | 'state';
  resources: TfResource[];
  /** Configuration modules by path; empty for a state, which carries no configuration. */
  modules: Map<string, TfConfigModule>;
}

/** `module.a["x"].module.b[0]` → `module.a.module.b`: drops every bracketed key, quoted strings included. */
export function stripInstanceKeys(address: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i] as string;
    if (depth > 0) {
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '[') depth++;
      else if (c === ']') depth--;
      continue;
    }
    if (c === '[') depth = 1;
    else out += c;
  }
  return out;
}

export function readShowJson(root: JsonRecord, builder: EstateBuilder): TfDocument {
  const planned = isRecord(root.planned_values) ? root.planned_values : undefined;
  const values = planned ?? (isRecord(root.values) ? root.values : undefined);
  const rootPath = planned ? 'planned_values.root_module' : 'values.root_module';
  const resources: TfResource[] = [];
  if (values && isRecord(values.root_module))
    readModule(values.root_module, '', rootPath, resources, builder);
  const modules = new Map<string, TfConfigModule>();
  const configuration = isRecord(root.configuration) ? root.configuration : undefined;
  if (configuration && isRecord(configuration.root_module)) {
    readConfigModule(configuration.root_module, '', undefined, undefined, modules);
  }
  return { kind: planned ? 'plan' : 'state', resources, modules };
}

function readModule(
  module: JsonRecord,
  instancePath: string,
  jsonPath: string,
  out: TfResource[],
  builder: EstateBuilder,
): void {
  const modulePath = stripInstanceKeys(instancePath);
  arrayField(module, 'resources').forEach((resource, i) => {
    const where = `${jsonPath}.resources[${i}]`;
    const type = isRecord(resource) ? stringField(resource, 'type') : undefined;
    const name = isRecord(resource) ? stringField(resource, 'name') : undefined;
    if (!isRecord(resource) || !type || !name) {
      builder.error('resource has no type or name', where);
      return;
    }
    const mode = resource.mode === 'data' ? 'data' : 'managed';
    const local = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
    const configAddress = modulePath ? `${modulePath}.${local}` : local;
    const index = resource.index;
    const address = stringField(resource, 'address') ?? configAddress;
    const entry: TfResource = {
      address,
      configAddress,
      modulePath,
      moduleInstance: instancePath,
      mode,
      type,
      name,
      values: isRecord(resource.values) ? resource.values : {},
    };
    if (typeof index === 'string' || typeof index === 'number') entry.index = index;
    out.push(entry);
  });
  arrayField(module, 'child_modules').forEach((child, i) => {
    const where = `${jsonPath}.child_modules[${i}]`;
    const address = isRecord(child) ? stringField(child, 'address') : undefined;
    if (!isRecord(child) || !address) {
      builder.error('child module has no address', where);
      return;
    }
    readModule(child, address, where, out, builder);
  });
}

function readConfigModule(
  module: JsonRecord,
  path: string,
  parent: TfConfigModule | undefined,
  callName: string | undefined,
  out: Map<string, TfConfigModule>,
): TfConfigModule {
  const config: TfConfigModule = { path, resources: new Map(), calls: new Map(), outputs: new Map() };
  if (parent) config.parent = parent;
  if (callName) config.callName = callName;
  out.set(path, config);
  for (const resource of arrayField(module, 'resources')) {
    const address = isRecord(resource) ? stringField(resource, 'address') : undefined;
    if (isRecord(resource) && address && isRecord(resource.expressions)) {
      config.resources.set(address, resource.expressions);
    }
  }
  if (isRecord(module.outputs)) {
    for (const [name, output] of Object.entries(module.outputs)) {
      if (isRecord(output) && isRecord(output.expression)) config.outputs.set(name, output.expression);
    }
  }
  if (isRecord(module.module_calls)) {
    for (const [name, call] of Object.entries(module.module_calls)) {
      if (!isRecord(call) || !isRecord(call.module)) continue;
      const childPath = path ? `${path}.module.${name}` : `module.${name}`;
      const child = readConfigModule(call.module, childPath, config, name, out);
      config.calls.set(name, {
        expressions: isRecord(call.expressions) ? call.expressions : {},
        module: child,
      });
    }
  }
  return config;
}
