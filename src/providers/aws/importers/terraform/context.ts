/**
 * What the Terraform resource handlers share: each resource's id (its ARN, read from state or built from its name
 * with `arnOf`, or kept symbolic as `<address>` when the name is unknown until apply), lookups by name, and linking an
 * attribute to the entity it names, from its value or, in a plan, from the resources its configuration refers to.
 */
import type { ArnScope } from '../../estate/index.js';
import { arnOf } from '../../estate/index.js';
import { documentDecodes, functionArnParts } from '../common/awsLinks.js';
import type { EstateBuilder } from '../common/estateBuilder.js';
import { isRecord, type JsonRecord } from '../common/json.js';
import type { ImportOptions } from '../importer.js';
import { ReferenceResolver, type AttrPath } from './references.js';
import type { TfDocument, TfResource } from './showJson.js';

export interface Identity {
  id: string;
  /** The name a person uses; `<address>` when unknown until apply. */
  name: string;
  /** True when the name was unknown and the id is built around the resource's address. */
  symbolic: boolean;
}

interface IdentityRule {
  /** The attribute holding the name; the ARN is built from it when `arn` is not known. */
  nameKey: string;
  arn: (scope: ArnScope, name: string, values: JsonRecord) => string;
}

const pathOf = (values: JsonRecord): string | undefined =>
  typeof values.path === 'string' && values.path !== '' ? values.path : undefined;

/** `default`, a bus name, or a bus ARN → the bus name. */
export function busName(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value;
}

/** How each resource type's id is made. A table, so a new type is one line. */
const IDENTITY_RULES: Record<string, IdentityRule> = {
  aws_iam_user: { nameKey: 'name', arn: (s, n, v) => arnOf.user(s, n, pathOf(v)) },
  aws_iam_group: { nameKey: 'name', arn: (s, n, v) => arnOf.group(s, n, pathOf(v)) },
  aws_iam_role: { nameKey: 'name', arn: (s, n, v) => arnOf.role(s, n, pathOf(v)) },
  aws_iam_policy: { nameKey: 'name', arn: (s, n, v) => arnOf.managedPolicy(s, n, pathOf(v)) },
  aws_lambda_function: { nameKey: 'function_name', arn: (s, n) => arnOf.function(s, n) },
  aws_sqs_queue: { nameKey: 'name', arn: (s, n) => arnOf.queue(s, n) },
  aws_sns_topic: { nameKey: 'name', arn: (s, n) => arnOf.topic(s, n) },
  aws_s3_bucket: { nameKey: 'bucket', arn: (s, n) => arnOf.bucket(s, n) },
  aws_dynamodb_table: { nameKey: 'name', arn: (s, n) => arnOf.table(s, n) },
  aws_kinesis_stream: { nameKey: 'name', arn: (s, n) => arnOf.stream(s, n) },
  aws_secretsmanager_secret: { nameKey: 'name', arn: (s, n) => arnOf.secret(s, n) },
  aws_sfn_state_machine: { nameKey: 'name', arn: (s, n) => arnOf.stateMachine(s, n) },
  aws_cloudwatch_event_bus: { nameKey: 'name', arn: (s, n) => arnOf.eventBus(s, n) },
  aws_cloudwatch_event_rule: {
    nameKey: 'name',
    arn: (s, n, v) => arnOf.rule(s, n, busName(v.event_bus_name)),
  },
};

export function hasIdentity(type: string): boolean {
  return type in IDENTITY_RULES;
}

/** How a known attribute value names an entity: an ARN, a name, a URL... */
export type ValueReader = (value: string, from: TfResource) => string | undefined;

export interface LinkSpec {
  /** What the attribute is, for messages: `role`, `lambda_function[0].lambda_function_arn`. */
  what: string;
  /** Resource types a configuration reference may point at; empty for any type with an id. */
  types: readonly string[];
  read: ValueReader;
}

export function pathText(path: AttrPath): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

export function valueAt(values: JsonRecord, path: AttrPath): unknown {
  let node: unknown = values;
  for (const key of path) {
    if (typeof key === 'number') node = Array.isArray(node) ? node[key] : undefined;
    else node = isRecord(node) ? node[key] : undefined;
  }
  return node;
}

export function stringValue(values: JsonRecord, key: string): string | undefined {
  const value = values[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export class TfContext {
  readonly resolver: ReferenceResolver;
  private readonly identities = new Map<TfResource, Identity>();
  private readonly byName = new Map<string, TfResource>();
  private readonly byId = new Map<string, TfResource>();
  /** aws_iam_policy ARN → document, for policies in the input whose document is known and decodes. */
  readonly policyDocuments = new Map<string, unknown>();
  /** aws_iam_policy ARNs in the input whose document is unknown or broken (already reported). */
  readonly policiesWithoutDocument = new Set<string>();

  constructor(
    readonly doc: TfDocument,
    readonly builder: EstateBuilder,
    readonly options: ImportOptions,
  ) {
    this.resolver = new ReferenceResolver(doc);
    for (const resource of doc.resources) {
      if (resource.mode !== 'managed') continue;
      const identity = this.computeIdentity(resource);
      if (!identity) continue;
      this.identities.set(resource, identity);
      if (!identity.symbolic) this.byName.set(`${resource.type} ${identity.name}`, resource);
      this.byId.set(identity.id, resource);
    }
  }

  /**
   * The resource's ARN scope. Region: the resource's own `region` (AWS provider v6), else its provider's constant
   * region, else the import options. Account: the plan's `data.aws_caller_identity`, else the import options.
   */
  scopeOf(resource: TfResource): ArnScope {
    const region =
      stringValue(resource.values, 'region') ?? this.resolver.providerRegion(resource) ?? this.options.region;
    return { partition: this.options.partition, account: this.doc.account ?? this.options.account, region };
  }

  private computeIdentity(resource: TfResource): Identity | undefined {
    const rule = IDENTITY_RULES[resource.type];
    if (!rule) return undefined;
    const name = stringValue(resource.values, rule.nameKey);
    const arn = stringValue(resource.values, 'arn');
    if (name)
      return { id: arn ?? rule.arn(this.scopeOf(resource), name, resource.values), name, symbolic: false };
    const symbol = `<${resource.address.replace(/:/g, '_')}>`;
    if (arn) return { id: arn, name: symbol, symbolic: false };
    this.builder.info(
      `${rule.nameKey} is unknown until apply; the id is kept symbolic as ${symbol}`,
      resource.address,
    );
    return { id: rule.arn(this.scopeOf(resource), symbol, resource.values), name: symbol, symbolic: true };
  }

  identity(resource: TfResource): Identity | undefined {
    return this.identities.get(resource);
  }

  /** The id of the resource of `type` in the input named `name`, if there is one. */
  idByName(type: string, name: string): string | undefined {
    const resource = this.byName.get(`${type} ${name}`);
    return resource ? this.identities.get(resource)?.id : undefined;
  }

  resourceById(id: string): TfResource | undefined {
    return this.byId.get(id);
  }

  /**
   * The id the single-valued attribute at `path` names: from its value when known, else from the one resource its
   * configuration refers to. Undefined, with a note at the resource's address, when neither tells.
   */
  link(from: TfResource, path: AttrPath, spec: LinkSpec, required = true): string | undefined {
    const value = valueAt(from.values, path);
    if (typeof value === 'string' && value !== '') {
      const id = spec.read(value, from);
      if (id === undefined) this.builder.error(`${spec.what} "${value}" cannot be read`, from.address);
      return id;
    }
    const candidates = this.referenced(from, path, spec, required);
    if (candidates === undefined) return undefined;
    const chosen =
      candidates.length === 1
        ? candidates[0]
        : candidates.find((c) => from.index !== undefined && c.index === from.index);
    if (!chosen) {
      this.builder.info(
        `${spec.what} refers to ${candidates.length} instances (${candidates.map((c) => c.address).join(', ')}); not linked`,
        from.address,
      );
      return undefined;
    }
    return this.identities.get(chosen)?.id;
  }

  /**
   * The ids a list attribute names: its known elements, plus, when the list is unknown or has elements unknown until
   * apply (Terraform prints those as null), every resource its configuration refers to.
   */
  linkAll(from: TfResource, path: AttrPath, spec: LinkSpec, required = false): string[] {
    const value = valueAt(from.values, path);
    const ids: string[] = [];
    const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    for (const item of items) {
      if (typeof item !== 'string' || item === '') continue;
      const id = spec.read(item, from);
      if (id === undefined) this.builder.error(`${spec.what} "${item}" cannot be read`, from.address);
      else ids.push(id);
    }
    const complete = (Array.isArray(value) && !value.includes(null)) || typeof value === 'string';
    if (complete) return ids;
    for (const candidate of this.referenced(from, path, spec, required && ids.length === 0) ?? []) {
      const id = this.identities.get(candidate)?.id;
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /** The resources of the accepted types the configuration at `path` refers to; notes why when there are none. */
  private referenced(
    from: TfResource,
    path: AttrPath,
    spec: LinkSpec,
    required: boolean,
  ): TfResource[] | undefined {
    const resolution = this.resolver.resolve(from, path);
    const accepted = (resolution?.resources ?? []).filter(
      (r) => this.identities.has(r) && (spec.types.length === 0 || spec.types.includes(r.type)),
    );
    if (accepted.length > 0) return accepted;
    if (resolution || required) {
      const via =
        resolution && resolution.unresolved.length > 0
          ? ` and refers to ${resolution.unresolved.join(', ')}`
          : '';
      this.builder.info(`${spec.what} is unknown until apply${via}; not linked`, from.address);
    }
    return undefined;
  }

  /**
   * The policy document at `path` (a JSON string in Terraform) when it is known and decodes; otherwise a note, or an
   * error for a broken document, and undefined. `configPath` is where the configuration has it, when a set's
   * element sits at another index there.
   */
  document(from: TfResource, path: AttrPath, required = true, configPath: AttrPath = path): unknown {
    const value = valueAt(from.values, path);
    const where = `${from.address}.${pathText(path)}`;
    if (typeof value === 'string' && value.trim() !== '') {
      return documentDecodes(this.builder, value, where) ? value : undefined;
    }
    if (value !== undefined && value !== null && value !== '') {
      // Not what Terraform writes (policies are JSON strings); an object still passes if it decodes.
      return documentDecodes(this.builder, value, where) ? value : undefined;
    }
    if (value === undefined) {
      const resolution = this.resolver.resolve(from, configPath);
      if (resolution || required) {
        const refs = resolution
          ? [...resolution.resources.map((r) => r.address), ...resolution.unresolved]
          : [];
        const via = refs.length > 0 ? ` (it refers to ${refs.join(', ')})` : '';
        this.builder.info(
          `${pathText(path)} is unknown until apply${via}; policy not imported`,
          from.address,
        );
      }
    } else if (required && value === null) {
      this.builder.error(`${pathText(path)} is empty`, from.address);
    }
    return undefined;
  }

  // Readers for known values. Each returns the entity id a value names.

  readonly readArn: ValueReader = (value) => (value.startsWith('arn:') ? value : undefined);

  readonly readRole: ValueReader = (value, from) =>
    value.startsWith('arn:')
      ? value
      : (this.idByName('aws_iam_role', value) ?? arnOf.role(this.scopeOf(from), value));

  readonly readUser: ValueReader = (value, from) =>
    value.startsWith('arn:')
      ? value
      : (this.idByName('aws_iam_user', value) ?? arnOf.user(this.scopeOf(from), value));

  readonly readGroup: ValueReader = (value, from) =>
    value.startsWith('arn:')
      ? value
      : (this.idByName('aws_iam_group', value) ?? arnOf.group(this.scopeOf(from), value));

  /** A function name, ARN (qualified or not) or partial ARN `123456789012:function:name`. */
  readonly readFunction: ValueReader = (value, from) => {
    const parts = functionArnParts(value);
    if (parts) return parts.arn;
    if (value.startsWith('arn:')) return undefined;
    const partial = /^(\d{12}):function:([^:]+)/.exec(value);
    if (partial)
      return arnOf.function({ ...this.scopeOf(from), account: partial[1] as string }, partial[2] as string);
    const name = value.split(':')[0] as string;
    return this.idByName('aws_lambda_function', name) ?? arnOf.function(this.scopeOf(from), name);
  };

  readonly readBucket: ValueReader = (value, from) =>
    value.startsWith('arn:')
      ? value
      : (this.idByName('aws_s3_bucket', value) ?? arnOf.bucket(this.scopeOf(from), value));

  /** A queue URL `https://sqs.<region>.amazonaws.com/<account>/<name>`, or an ARN. */
  readonly readQueue: ValueReader = (value, from) => {
    if (value.startsWith('arn:')) return value;
    const url = /^https?:\/\/([^/]+)\/(\d{12})\/([^/?#]+)\/?$/.exec(value);
    if (!url) return undefined;
    const [, host, account, name] = url as unknown as [string, string, string, string];
    const region = /^sqs\.([a-z0-9-]+)\./.exec(host)?.[1] ?? this.scopeOf(from).region;
    return arnOf.queue({ partition: this.options.partition, region, account }, name);
  };
}
