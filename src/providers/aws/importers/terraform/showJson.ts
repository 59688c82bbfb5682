/**
 * Reading `terraform show -json`: the resources of a plan (`planned_values`) or a state (`values`), flattened out of
 * `child_modules`, and the plan's `configuration`, whose expressions name the resources an attribute refers to when
 * its value is unknown until apply.
 */
import { arrayField, isRecord, stringField, type JsonRecord } from '../common/json.js';
import type { EstateBuilder } from '../common/estateBuilder.js';

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

export interface TfConfigResource {
  expressions: JsonRecord;
  /** The provider configuration the resource uses, e.g. `aws` or `aws.west`. */
  providerKey?: string;
}

export interface TfConfigModule {
  path: string;
  /** Resource address inside the module (`aws_iam_role.exec`) → its configuration. */
  resources: Map<string, TfConfigResource>;
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
  /** Provider configuration key → its `region` when that is a constant. */
  providerRegions: Map<string, string>;
  /** The account of `data.aws_caller_identity`, when the plan or state read one. */
  account?: string;
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
  const doc: TfDocument = {
    kind: planned ? 'plan' : 'state',
    resources,
    modules,
    providerRegions: providerRegions(configuration),
  };
  const account = callerAccount(resources) ?? callerAccount(priorStateResources(root, builder));
  if (account) doc.account = account;
  return doc;
}

function providerRegions(configuration: JsonRecord | undefined): Map<string, string> {
  const regions = new Map<string, string>();
  const providers =
    configuration && isRecord(configuration.provider_config) ? configuration.provider_config : {};
  for (const [key, provider] of Object.entries(providers)) {
    const region =
      isRecord(provider) && isRecord(provider.expressions) ? provider.expressions.region : undefined;
    if (isRecord(region) && typeof region.constant_value === 'string')
      regions.set(key, region.constant_value);
  }
  return regions;
}

/** A plan reads data sources into `prior_state`, not `planned_values`. */
function priorStateResources(root: JsonRecord, builder: EstateBuilder): TfResource[] {
  const prior =
    isRecord(root.prior_state) && isRecord(root.prior_state.values) ? root.prior_state.values : undefined;
  const out: TfResource[] = [];
  if (prior && isRecord(prior.root_module))
    readModule(prior.root_module, '', 'prior_state.values.root_module', out, builder);
  return out;
}

function callerAccount(resources: TfResource[]): string | undefined {
  const caller = resources.find((r) => r.mode === 'data' && r.type === 'aws_caller_identity');
  const account = caller?.values.account_id;
  return typeof account === 'string' && /^\d{12}$/.test(account) ? account : undefined;
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
    if (isRecord(resource) && address) {
      const entry: TfConfigResource = {
        expressions: isRecord(resource.expressions) ? resource.expressions : {},
      };
      const providerKey = stringField(resource, 'provider_config_key');
      if (providerKey) entry.providerKey = providerKey;
      config.resources.set(address, entry);
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
