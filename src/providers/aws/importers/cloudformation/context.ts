/**
 * The state one template import shares between its stages: the resolver, the estate being built, where
 * things are in the file, and indexes over the template's resources (roles by name, managed policies by ARN).
 */
import type { SourceLocation } from '../../../../model/index.js';
import type { ArnScope } from '../../estate/index.js';
import type { ImportOptions } from '../importer.js';
import { EstateBuilder } from './estateBuilder.js';
import { unreadFileNotice, type LocalFileRead, type LocalFiles } from './localFiles.js';
import { locationOf, pathKey, type Path } from './path.js';
import { Resolver, isRecord, type TemplateResource } from './resolver.js';

export interface ContextInput {
  file: string;
  lines: Map<string, number>;
  options: ImportOptions;
  /** Every resource the resolver may refer to, including ones SAM or the Serverless Framework generate. */
  resources: Map<string, TemplateResource>;
  parameters?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
  conditions?: Record<string, unknown>;
  physicalIds?: Map<string, string>;
  /** Region the ARNs use when the input names its own (a Serverless `provider.region`). */
  region?: string;
  builder?: EstateBuilder;
  /** Reads the local files the template points to; without it, none are read (each is a notice). */
  files?: LocalFiles;
}

/** A customer managed policy declared in the template. */
export interface TemplateManagedPolicy {
  logicalId: string;
  arn: string;
  name: string;
  document: unknown;
}

export class ImportContext {
  readonly file: string;
  readonly scope: Required<ArnScope>;
  readonly resolver: Resolver;
  readonly builder: EstateBuilder;
  readonly resources: Map<string, TemplateResource>;
  private readonly lines: Map<string, number>;
  private readonly files: LocalFiles | undefined;
  private managedPolicies?: Map<string, TemplateManagedPolicy>;
  private readonly principalsByName = new Map<string, Map<string, string>>();

  constructor(input: ContextInput) {
    this.file = input.file;
    this.lines = input.lines;
    this.resources = input.resources;
    this.builder = input.builder ?? new EstateBuilder();
    this.files = input.files;
    this.scope = {
      partition: input.options.partition,
      region: input.region ?? input.options.region,
      account: input.options.account,
    };
    this.resolver = new Resolver({
      scope: this.scope,
      params: input.options.params,
      parameters: input.parameters ?? {},
      mappings: input.mappings ?? {},
      conditions: input.conditions ?? {},
      resources: input.resources,
      ...(input.physicalIds ? { physicalIds: input.physicalIds } : {}),
      ...(input.options.stack !== undefined ? { stack: input.options.stack } : {}),
      ...(input.options.exports ? { exports: input.options.exports } : {}),
      unresolved: (message) =>
        this.builder.addNotice({ code: 'unresolved-reference', message, file: this.file }),
      note: (path, message, severity) =>
        severity === 'info' ? this.info(path, message) : this.error(path, message),
    });
  }

  lineOf(path: Path): number | undefined {
    for (let end = path.length; end > 0; end--) {
      const line = this.lines.get(pathKey(path.slice(0, end)));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  sourceAt(path: Path): SourceLocation {
    const line = this.lineOf(path);
    return { file: this.file, path: pathKey(path), ...(line !== undefined ? { line } : {}) };
  }

  /** Something in the input that cannot be read. */
  error(path: Path, message: string): void {
    this.builder.addError({ file: this.file, message, location: locationOf(path, this.lines) });
  }

  /** The input is fine, but a construct is not modelled or a link cannot be made (`severity: 'info'`). */
  info(path: Path, message: string): void {
    this.builder.addError({
      file: this.file,
      message,
      location: locationOf(path, this.lines),
      severity: 'info',
    });
  }

  /**
   * The document a location property names (`DefinitionUri`, `BodyS3Location`, `DefinitionS3Location`): a local
   * path is read and parsed; an S3 object (`s3://...`, `{Bucket, Key}`) or anything unreadable is a notice.
   * `what` names the document for the notice (`the OpenAPI definition`).
   */
  readDocument(raw: unknown, path: Path, what: string): LocalFileRead | undefined {
    const value = this.resolve(raw, path);
    const where = `${this.file} ${locationOf(path, this.lines)}`;
    const unresolved = (why: string): undefined => {
      this.builder.addNotice(unreadFileNotice(what, where, why, this.file));
      return undefined;
    };
    if (isRecord(value)) {
      const bucket = typeof value.Bucket === 'string' ? value.Bucket : '?';
      const key = typeof value.Key === 'string' ? value.Key : '?';
      return unresolved(`in S3 (s3://${bucket}/${key}); scan a local copy next to the template`);
    }
    if (typeof value !== 'string' || value.trim() === '') return unresolved('not a path ares can resolve');
    if (!this.files) return unresolved(`in another file (${value})`);
    return this.files.read(value.trim(), this.file, what, where);
  }

  resolve(value: unknown, path: Path): unknown {
    return this.resolver.resolve(value, path);
  }

  /** Resources of the given types, in template order, skipping those whose Condition is false. */
  *resourcesOfType(...types: string[]): Iterable<[string, TemplateResource]> {
    for (const entry of this.resources) {
      if (types.includes(entry[1].type) && this.isEnabled(entry[1])) yield entry;
    }
  }

  isEnabled(resource: TemplateResource): boolean {
    return (
      resource.condition === undefined ||
      this.resolver.decide(resource.condition, [...resource.path, 'Condition'])
    );
  }

  /** The ARN of the role, user or group with this name: the declared one (with its path) or a built one. */
  principalIdByName(
    type: 'AWS::IAM::Role' | 'AWS::IAM::User' | 'AWS::IAM::Group',
    name: string,
  ): string | undefined {
    let index = this.principalsByName.get(type);
    if (!index) {
      index = new Map();
      for (const [logicalId] of this.resourcesOfType(type)) {
        const arn = this.resolver.arnOf(logicalId);
        if (arn) index.set(this.resolver.physicalName(logicalId), arn);
      }
      this.principalsByName.set(type, index);
    }
    return index.get(name);
  }

  /** Customer managed policies (AWS::IAM::ManagedPolicy) declared in the template, by ARN. */
  managedPolicy(arn: string): TemplateManagedPolicy | undefined {
    if (!this.managedPolicies) {
      this.managedPolicies = new Map();
      for (const [logicalId, resource] of this.resourcesOfType('AWS::IAM::ManagedPolicy')) {
        const policyArn = this.resolver.arnOf(logicalId);
        if (!policyArn) continue;
        this.managedPolicies.set(policyArn, {
          logicalId,
          arn: policyArn,
          name: this.resolver.physicalName(logicalId),
          document: this.resolve(resource.properties.PolicyDocument, [
            ...resource.path,
            'Properties',
            'PolicyDocument',
          ]),
        });
      }
    }
    return this.managedPolicies.get(arn);
  }
}
