/**
 * The Serverless Framework import pipeline, in order: resolve variables, read service/stage/region and
 * functions, index `resources.Resources` (CloudFormation) together with the resources the Framework generates
 * (function, role, API, topic and bucket logical ids) so intrinsics resolve, import those CloudFormation
 * resources with the CloudFormation importer, then import functions, roles and events.
 */
import { dirname } from 'node:path';
import type { Estate } from '../../../../model/index.js';
import { arnOf } from '../../estate/index.js';
import {
  EstateBuilder,
  ImportContext,
  TemplateParseError,
  importResources,
  intrinsicName,
  isRecord,
  parseTemplateText,
  locationOf,
  templateResources,
  type TemplateResource,
} from '../cloudformation/index.js';
import type { ImportOptions } from '../importer.js';
import {
  FRAMEWORK_HTTP_API,
  FRAMEWORK_REST_API,
  FRAMEWORK_ROLE,
  alphanumericLogicalName,
  functionEntries,
  httpApiId,
  normalizedFunctionName,
  restApiId,
  serviceName,
  type ServerlessApp,
  type ServerlessFunction,
} from './app.js';
import { importFunctions } from './functions.js';
import { addPluginStateMachines, importPluginStateMachines } from './stepFunctions.js';
import { VariableResolver } from './variables.js';

function readApp(
  doc: Record<string, unknown>,
  variables: VariableResolver,
  options: ImportOptions,
): ServerlessApp {
  const provider = isRecord(doc.provider) ? doc.provider : {};
  const iam = isRecord(provider.iam) ? provider.iam : {};
  const service = serviceName(doc.service);
  const stage = variables.stage;
  const region = variables.region;
  const scope = { partition: options.partition, region, account: options.account };
  const functions: ServerlessFunction[] = functionEntries(doc.functions).map(([key, config]) => {
    const fnConfig = isRecord(config) ? config : {};
    const name = typeof fnConfig.name === 'string' ? fnConfig.name : `${service}-${stage}-${key}`;
    return { key, config: fnConfig, path: ['functions', key], name, id: arnOf.function(scope, name) };
  });
  return {
    service,
    stage,
    region,
    provider,
    iamRole: isRecord(iam.role) && !intrinsicName(iam.role) ? iam.role : {},
    functions,
    doc,
  };
}

/** `resources` may be a map or a list of maps (several files merged); strings are files ares does not read. */
function cloudFormationSection(
  value: unknown,
  builder: EstateBuilder,
  file: string,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { Resources: {}, Conditions: {}, Mappings: {} };
  asSections(value).forEach((part, i) => {
    if (!isRecord(part)) {
      builder.addError({
        file,
        message: `resources from another file (${String(part)}) are not read`,
        location: `resources[${i}]`,
        severity: 'info',
      });
      return;
    }
    for (const key of Object.keys(out)) if (isRecord(part[key])) Object.assign(out[key] as object, part[key]);
  });
  return out;
}

const asSections = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Logical ids the Framework generates, so `!GetAtt HelloLambdaFunction.Arn` or `!Ref SNSTopicAlerts` resolve. */
function addFrameworkResources(resources: Map<string, TemplateResource>, app: ServerlessApp): void {
  const add = (
    logicalId: string,
    type: string,
    properties: Record<string, unknown>,
    path: (string | number)[],
  ): void => {
    if (!resources.has(logicalId)) resources.set(logicalId, { type, properties, path, generated: true });
  };
  for (const fn of app.functions) {
    add(
      `${normalizedFunctionName(fn.key)}LambdaFunction`,
      'AWS::Lambda::Function',
      { FunctionName: fn.name },
      fn.path,
    );
    for (const event of Array.isArray(fn.config.events) ? fn.config.events : []) {
      const sns = isRecord(event) ? event.sns : undefined;
      const topic = typeof sns === 'string' ? sns : isRecord(sns) ? sns.topicName : undefined;
      if (typeof topic === 'string' && !topic.startsWith('arn:')) {
        add(`SNSTopic${alphanumericLogicalName(topic)}`, 'AWS::SNS::Topic', { TopicName: topic }, fn.path);
      }
      const s3 = isRecord(event) ? event.s3 : undefined;
      const bucket = typeof s3 === 'string' ? s3 : isRecord(s3) ? s3.bucket : undefined;
      if (typeof bucket === 'string')
        add(`S3Bucket${alphanumericLogicalName(bucket)}`, 'AWS::S3::Bucket', { BucketName: bucket }, fn.path);
    }
  }
  const roleName =
    typeof app.iamRole.name === 'string'
      ? app.iamRole.name
      : `${app.service}-${app.stage}-${app.region}-lambdaRole`;
  add(
    FRAMEWORK_ROLE,
    'AWS::IAM::Role',
    { RoleName: roleName, ...(app.iamRole.path ? { Path: app.iamRole.path } : {}) },
    ['provider'],
  );
  add(FRAMEWORK_REST_API, 'AWS::ApiGateway::RestApi', {}, ['provider']);
  add(FRAMEWORK_HTTP_API, 'AWS::ApiGatewayV2::Api', {}, ['provider']);
  add('ServerlessDeploymentBucket', 'AWS::S3::Bucket', {}, ['provider']);
}

/** One `unresolved-reference` notice per variable that stays as written, saying what the importer does then. */
function reportUnresolved(
  builder: EstateBuilder,
  file: string,
  variables: VariableResolver,
  doc: unknown,
): void {
  for (const { text, path, reason } of variables.unresolved(doc)) {
    builder.addNotice({
      code: 'unresolved-reference',
      file,
      message:
        `${text} (first at ${path || 'the top level'}) is not resolved: ${reason}. ` +
        'A function event whose source names it is skipped, a provider or function IAM statement drops the resources naming it; elsewhere it stays as written.',
    });
  }
}

export function importServerlessValue(
  file: string,
  raw: unknown,
  lines: Map<string, number>,
  options: ImportOptions,
  /** `file()` reads nothing outside this directory (default: the directory of the configuration). */
  root: string = dirname(file),
  onInclude?: (file: string) => void,
): Estate {
  if (!isRecord(raw)) throw new TemplateParseError(file, 'the configuration is not a mapping');
  const variables = new VariableResolver({
    self: raw,
    params: options.params,
    account: options.account,
    defaultRegion: options.region,
    files: { serviceDir: dirname(file), root, ...(onInclude ? { onRead: onInclude } : {}) },
  });
  const doc = variables.resolve(raw) as Record<string, unknown>;
  const app = readApp(doc, variables, options);
  const builder = new EstateBuilder();
  reportUnresolved(builder, file, variables, doc);
  if (!isRecord(doc.functions) && !Array.isArray(doc.functions) && doc.functions !== undefined) {
    builder.addError({
      file,
      message: `functions from another file (${String(doc.functions)}) are not read`,
      location: 'functions',
      severity: 'info',
    });
  }
  const cfn = cloudFormationSection(doc.resources, builder, file);
  const resources = templateResources({
    resources: cfn.Resources as Record<string, unknown>,
    resourcesPath: ['resources', 'Resources'],
    error: (path, message, severity) =>
      builder.addError({
        file,
        message,
        location: locationOf(path, lines),
        ...(severity ? { severity } : {}),
      }),
  });
  addFrameworkResources(resources, app);
  addPluginStateMachines(resources, app);
  const ctx = new ImportContext({
    file,
    lines,
    options,
    resources,
    conditions: cfn.Conditions as Record<string, unknown>,
    mappings: cfn.Mappings as Record<string, unknown>,
    physicalIds: new Map([
      [FRAMEWORK_REST_API, restApiId(app)],
      [FRAMEWORK_HTTP_API, httpApiId(app)],
    ]),
    region: app.region,
    builder,
  });
  importResources(ctx);
  importFunctions(ctx, app);
  importPluginStateMachines(ctx, app);
  return builder.build();
}

export function importServerlessText(
  file: string,
  text: string,
  options: ImportOptions,
  root?: string,
  onInclude?: (file: string) => void,
): Estate {
  const { value, lines } = parseTemplateText(file, text);
  return importServerlessValue(file, value, lines, options, root, onInclude);
}
