/**
 * Lambda resources: functions (their execution role is their identity), permissions (the function's resource
 * policy), function URLs, event source mappings and asynchronous invocation destinations.
 */
import { splitArn } from '../../authorizer/arn.js';
import { filterPatternsOf } from '../common/filterCriteria.js';
import type { TriggerRuleName } from '../../estate/index.js';
import type { ImportContext } from './context.js';
import type { Path } from './path.js';
import { isRecord, isSymbolic, type TemplateResource } from './resolver.js';
import { addInvokePermission, addTrigger, addUnauthenticatedHttpTrigger } from './triggers.js';
import {
  arnService,
  describe,
  functionIdOf,
  isFunctionArn,
  optionalString,
  requireString,
  roleArnOf,
  tableArnOfStream,
} from './values.js';

/** Adds the FunctionNode for a declared function; returns its id. */
export function addFunctionNode(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
  identity: string | undefined,
): string {
  const id = ctx.resolver.arnOf(logicalId) as string;
  const runtime = optionalString(ctx.resolver.property(logicalId, 'Runtime'));
  const handler = optionalString(ctx.resolver.property(logicalId, 'Handler'));
  ctx.builder.addFunction({
    id,
    name: ctx.resolver.physicalName(logicalId),
    cloud: 'aws',
    ...(identity ? { identity } : {}),
    ...(runtime ? { runtime } : {}),
    ...(handler ? { handler } : {}),
    account: ctx.scope.account,
    region: ctx.scope.region,
    source: ctx.sourceAt(resource.path),
  });
  return id;
}

/** The id a destination ARN stands for: functions lose their qualifier, other ARNs stay as they are. */
export function destinationIdOf(ctx: ImportContext, text: string): string {
  return isFunctionArn(text) ? functionIdOf(ctx, text) : text;
}

export function addDestination(
  ctx: ImportContext,
  functionId: string,
  destination: unknown,
  path: Path,
): void {
  const text = optionalString(destination);
  if (!text) {
    ctx.error(path, `destination ${describe(destination)} is not an ARN`);
    return;
  }
  ctx.builder.addDestination(functionId, destinationIdOf(ctx, text), () =>
    ctx.info(path, `destination set on ${functionId}, which this template does not declare`),
  );
}

/** `DeadLetterConfig.TargetArn` receives failed asynchronous events, like an on-failure destination. */
function addDeadLetterTarget(
  ctx: ImportContext,
  functionId: string,
  resource: TemplateResource,
  key: string,
  arnKey: string,
): void {
  const path = [...resource.path, 'Properties', key];
  const config = ctx.resolve(resource.properties[key], path);
  if (isRecord(config) && config[arnKey] !== undefined)
    addDestination(ctx, functionId, config[arnKey], [...path, arnKey]);
}

export function importLambdaFunction(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): void {
  const rolePath = [...resource.path, 'Properties', 'Role'];
  const role = optionalString(ctx.resolve(resource.properties.Role, rolePath));
  if (!role) ctx.error(rolePath, 'function has no Role; its identity is unknown');
  const id = addFunctionNode(ctx, logicalId, resource, role ? roleArnOf(ctx, role) : undefined);
  addDeadLetterTarget(ctx, id, resource, 'DeadLetterConfig', 'TargetArn');
}

export function importPermission(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const base = [...resource.path, 'Properties'];
  const prop = (key: string): string | undefined =>
    optionalString(ctx.resolve(resource.properties[key], [...base, key]));
  const functionName = requireString(prop('FunctionName'), [...base, 'FunctionName'], 'FunctionName');
  const principal = requireString(prop('Principal'), [...base, 'Principal'], 'Principal');
  const action = requireString(prop('Action'), [...base, 'Action'], 'Action');
  const functionId = functionIdOf(ctx, functionName);
  const qualifier = functionName.startsWith('arn:') ? undefined : functionName.split(':')[1];
  addInvokePermission(
    ctx,
    {
      functionId,
      resource: functionName.startsWith('arn:')
        ? functionName
        : qualifier
          ? `${functionId}:${qualifier}`
          : functionId,
      key: logicalId,
      principal,
      action,
      ...optionalEntry('sourceArn', prop('SourceArn')),
      ...optionalEntry('sourceAccount', prop('SourceAccount')),
      ...optionalEntry('principalOrgId', prop('PrincipalOrgID')),
      ...optionalEntry('functionUrlAuthType', prop('FunctionUrlAuthType')),
      ...optionalEntry('eventSourceToken', prop('EventSourceToken')),
    },
    resource.path,
  );
}

function optionalEntry<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** A function URL: AWS_IAM auth → invoking it needs lambda:InvokeFunctionUrl; NONE → anyone may call it. */
export function addFunctionUrl(
  ctx: ImportContext,
  functionId: string,
  authType: string | undefined,
  path: Path,
): void {
  if (authType === 'AWS_IAM') addTrigger(ctx, 'function-url-iam', functionId, functionId, path);
  else addUnauthenticatedHttpTrigger(ctx, functionId, functionId, path, authType === 'NONE');
}

export function importFunctionUrl(ctx: ImportContext, _logicalId: string, resource: TemplateResource): void {
  const base = [...resource.path, 'Properties'];
  const target = requireString(
    ctx.resolve(resource.properties.TargetFunctionArn, [...base, 'TargetFunctionArn']),
    [...base, 'TargetFunctionArn'],
    'TargetFunctionArn',
  );
  const authType = optionalString(ctx.resolve(resource.properties.AuthType, [...base, 'AuthType']));
  addFunctionUrl(ctx, functionIdOf(ctx, target), authType, resource.path);
}

/** The trigger rule and source id for an event source mapping's EventSourceArn. */
export function pollerSource(arn: string): { rule: TriggerRuleName; source: string } | undefined {
  switch (arnService(arn)) {
    case 'sqs':
      return { rule: 'sqs', source: arn };
    case 'kinesis': {
      // A consumer ARN (`stream/S/consumer/C:ts`) reads the stream S.
      const cut = arn.indexOf('/consumer/');
      return { rule: 'kinesis', source: cut > 0 ? arn.slice(0, cut) : arn };
    }
    case 'dynamodb':
      return { rule: 'dynamodb-stream', source: tableArnOfStream(arn) };
    default:
      return undefined;
  }
}

/**
 * A poll-based trigger (SQS, Kinesis, DynamoDB stream); other sources (Kafka, MQ, DocumentDB) are reported.
 * `expected` is the kind the configuration declares (a SAM `SQS` event), used when the ARN is only symbolic.
 */
export function addPollerTrigger(
  ctx: ImportContext,
  sourceArn: string,
  functionId: string,
  path: Path,
  expected?: 'sqs' | 'kinesis' | 'dynamodb-stream',
  filters?: string[],
): void {
  const declared =
    expected && !sourceArn.startsWith('arn:') ? { rule: expected, source: sourceArn } : undefined;
  const poller = pollerSource(sourceArn) ?? declared;
  if (poller) {
    addTrigger(ctx, poller.rule, poller.source, functionId, path, undefined, filters ? { filters } : {});
    return;
  }
  const service = arnService(sourceArn);
  if (service && !isSymbolic(service))
    ctx.info(path, `event source ${sourceArn} (${service}) is not modelled as a trigger`);
  else
    ctx.error(
      path,
      `event source ${describe(sourceArn)} cannot be resolved to an SQS, Kinesis or DynamoDB stream ARN`,
    );
}

export function importEventSourceMapping(
  ctx: ImportContext,
  _logicalId: string,
  resource: TemplateResource,
): void {
  const base = [...resource.path, 'Properties'];
  const enabled = ctx.resolve(resource.properties.Enabled, [...base, 'Enabled']);
  if (enabled === false || enabled === 'false') return; // a disabled mapping delivers nothing
  const functionName = requireString(
    ctx.resolve(resource.properties.FunctionName, [...base, 'FunctionName']),
    [...base, 'FunctionName'],
    'FunctionName',
  );
  const source = ctx.resolve(resource.properties.EventSourceArn, [...base, 'EventSourceArn']);
  if (source === undefined) {
    ctx.error(
      [...base, 'EventSourceArn'],
      'event source mapping without EventSourceArn (self-managed Kafka?) is not modelled',
    );
    return;
  }
  addPollerTrigger(
    ctx,
    requireString(source, [...base, 'EventSourceArn'], 'EventSourceArn'),
    functionIdOf(ctx, functionName),
    resource.path,
    undefined,
    filterPatternsOf(ctx.resolve(resource.properties.FilterCriteria, [...base, 'FilterCriteria'])),
  );
}

export function importEventInvokeConfig(
  ctx: ImportContext,
  _logicalId: string,
  resource: TemplateResource,
): void {
  const base = [...resource.path, 'Properties'];
  const functionName = requireString(
    ctx.resolve(resource.properties.FunctionName, [...base, 'FunctionName']),
    [...base, 'FunctionName'],
    'FunctionName',
  );
  const functionId = functionIdOf(ctx, functionName);
  const configPath = [...base, 'DestinationConfig'];
  const config = ctx.resolve(resource.properties.DestinationConfig, configPath);
  if (!isRecord(config)) return;
  for (const key of ['OnSuccess', 'OnFailure']) {
    const entry = config[key];
    if (isRecord(entry) && entry.Destination !== undefined) {
      addDestination(ctx, functionId, entry.Destination, [...configPath, key, 'Destination']);
    }
  }
}

/**
 * The function ARN inside an API Gateway integration URI (`...:lambda:path/2015-03-31/functions/<arn>/invocations`,
 * or `.../2021-11-15/functions/<arn>/response-streaming-invocations` for a streaming response).
 */
export function functionArnInIntegrationUri(uri: string): string | undefined {
  const match = /\/functions\/(.+?)\/(?:response-streaming-)?invocations/.exec(uri);
  if (match) return match[1];
  return splitArn(uri)?.[2] === 'lambda' ? uri : undefined;
}
