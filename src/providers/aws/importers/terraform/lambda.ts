/**
 * Terraform Lambda resources: functions (running as their role), permissions (one resource-policy statement each,
 * as Lambda writes them), event source mappings, function URLs and asynchronous invocation destinations.
 */
import type { FunctionNode } from '../../../../model/index.js';
import { resourceFromArn } from '../../estate/index.js';
import { eventSourceOf, triggerOf } from '../common/awsLinks.js';
import { filterPatternsOf } from '../common/filterCriteria.js';
import { isRecord, type JsonRecord } from '../common/json.js';
import { stringValue, valueAt, type LinkSpec, type TfContext } from './context.js';
import type { TfResource } from './showJson.js';

export const functionLink = (ctx: TfContext, what = 'function_name'): LinkSpec => ({
  what,
  types: ['aws_lambda_function'],
  read: ctx.readFunction,
});

/** Any resource with an ARN: queues, topics, buses, functions, tables... */
export const arnLink = (ctx: TfContext, what: string): LinkSpec => ({ what, types: [], read: ctx.readArn });

/** aws_lambda_function. */
export function importFunction(ctx: TfContext, resource: TfResource): void {
  const identity = ctx.identity(resource);
  if (!identity) return;
  const [, , , region, account] = identity.id.split(':');
  const fn: FunctionNode = {
    id: identity.id,
    name: identity.name,
    cloud: 'aws',
    source: ctx.builder.at(resource.address),
  };
  const role = ctx.link(resource, ['role'], { what: 'role', types: ['aws_iam_role'], read: ctx.readRole });
  if (role) fn.identity = role;
  const runtime = stringValue(resource.values, 'runtime');
  if (runtime) fn.runtime = runtime;
  const handler = stringValue(resource.values, 'handler');
  if (handler) fn.handler = handler;
  if (account) fn.account = account;
  if (region) fn.region = region;
  const deadLetter = ctx.link(
    resource,
    ['dead_letter_config', 0, 'target_arn'],
    arnLink(ctx, 'dead_letter_config.target_arn'),
    false,
  );
  if (deadLetter) fn.destinations = [deadLetter];
  ctx.builder.addFunction(fn);
}

/** How Lambda writes a permission's Principal into the function policy. */
function principalOf(principal: string, partition: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${partition}:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return principal.includes('.') ? { Service: principal } : { AWS: principal };
}

/** aws_lambda_permission → one statement of the function's resource policy. */
export function importPermission(ctx: TfContext, resource: TfResource): void {
  const { values } = resource;
  const functionId = ctx.link(resource, ['function_name'], functionLink(ctx));
  const action = stringValue(values, 'action');
  const principal = stringValue(values, 'principal');
  if (!action || !principal) {
    ctx.builder.info('action or principal is unknown until apply; permission not imported', resource.address);
    return;
  }
  if (!functionId) return;
  const qualifier = stringValue(values, 'qualifier');
  const sid = stringValue(values, 'statement_id') ?? resource.address;
  const condition: Record<string, Record<string, string>> = {};
  const put = (operator: string, key: string, value: string | undefined) => {
    if (value) condition[operator] = { ...condition[operator], [key]: value };
  };
  put('ArnLike', 'AWS:SourceArn', sourceArnOf(ctx, resource));
  put('StringEquals', 'AWS:SourceAccount', stringValue(values, 'source_account'));
  put('StringEquals', 'aws:PrincipalOrgID', stringValue(values, 'principal_org_id'));
  put('StringEquals', 'lambda:FunctionUrlAuthType', stringValue(values, 'function_url_auth_type'));
  put('StringEquals', 'lambda:EventSourceToken', stringValue(values, 'event_source_token'));
  const statement: JsonRecord = {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(principal, ctx.options.partition),
    Action: action,
    Resource: qualifier ? `${functionId}:${qualifier}` : functionId,
  };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  ctx.builder.addPolicy({
    id: `${functionId}#permission/${sid}`,
    name: sid,
    type: 'resource',
    attachedTo: functionId,
    document: { Version: '2012-10-17', Statement: [statement] },
    source: ctx.builder.at(resource.address),
  });
}

/**
 * The permission's source_arn. One unknown until apply that names no resource in the input keeps its condition, with
 * a value no request carries, rather than widen the grant to every source.
 */
function sourceArnOf(ctx: TfContext, resource: TfResource): string | undefined {
  const linked = ctx.link(resource, ['source_arn'], arnLink(ctx, 'source_arn'), false);
  if (linked !== undefined) return linked;
  const unknown =
    valueAt(resource.values, ['source_arn']) === undefined && ctx.resolver.resolve(resource, ['source_arn']);
  return unknown ? `<unknown source_arn of ${resource.address}>` : undefined;
}

/** A queue, Kinesis stream or DynamoDB stream ARN, or a DynamoDB table's (a reference to the table itself). */
function eventSourceFromId(id: string): ReturnType<typeof eventSourceOf> {
  const source = eventSourceOf(id);
  if (source) return source;
  return /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+$/.test(id)
    ? { rule: 'dynamodb-stream', source: id }
    : undefined;
}

/** aws_lambda_event_source_mapping. */
export function importEventSourceMapping(ctx: TfContext, resource: TfResource): void {
  const target = ctx.link(resource, ['function_name'], functionLink(ctx));
  const raw = valueAt(resource.values, ['event_source_arn']);
  if (raw === null || raw === '') {
    ctx.builder.info(
      'mapping has no event_source_arn (self-managed Kafka or similar); not modelled',
      resource.address,
    );
    return;
  }
  const sourceId = ctx.link(resource, ['event_source_arn'], arnLink(ctx, 'event_source_arn'));
  if (!target || !sourceId) return;
  const source = eventSourceFromId(sourceId);
  if (!source) {
    ctx.builder.info(
      `event source ${sourceId} is not a queue, Kinesis stream or DynamoDB stream; not modelled`,
      resource.address,
    );
    return;
  }
  if (resource.values.enabled === false) {
    ctx.builder.info(`mapping from ${source.source} is disabled; no trigger`, resource.address);
    return;
  }
  ctx.builder.addResource({ ...resourceFromArn(source.source), source: ctx.builder.at(resource.address) });
  const trigger = triggerOf(source.rule, source.source, target, ctx.builder.at(resource.address));
  const filters = filterPatternsOf(resource.values.filter_criteria);
  ctx.builder.addTrigger(filters ? { ...trigger, filters } : trigger);
}

/** aws_lambda_function_url: with AWS_IAM auth, whoever may call InvokeFunctionUrl on the function invokes it. */
export function importFunctionUrl(ctx: TfContext, resource: TfResource): void {
  const fn = ctx.link(resource, ['function_name'], functionLink(ctx));
  if (!fn) return;
  const auth = stringValue(resource.values, 'authorization_type');
  if (auth === 'AWS_IAM') {
    ctx.builder.addTrigger(triggerOf('function-url-iam', fn, fn, ctx.builder.at(resource.address)));
  } else if (auth === 'NONE') {
    // No credentials at all: the requester `anonymous` starts the function through its URL.
    ctx.builder.addTrigger({
      cloud: 'aws',
      kind: 'http',
      source: fn,
      target: fn,
      firedBy: [],
      public: true,
      location: ctx.builder.at(resource.address),
    });
  } else {
    ctx.builder.info(
      'authorization_type is unknown until apply; function URL not imported',
      resource.address,
    );
  }
}

/** aws_lambda_function_event_invoke_config: collected, then set on the function once every function is read. */
export function readDestinations(
  ctx: TfContext,
  resource: TfResource,
): { functionId: string; destinations: string[] } | undefined {
  const functionId = ctx.link(resource, ['function_name'], functionLink(ctx));
  if (!functionId) return undefined;
  const destinations: string[] = [];
  const config = valueAt(resource.values, ['destination_config', 0]);
  for (const outcome of ['on_success', 'on_failure']) {
    const present = isRecord(config) && Array.isArray(config[outcome]) && config[outcome].length > 0;
    if (!present && !ctx.resolver.resolve(resource, ['destination_config', 0, outcome, 0, 'destination']))
      continue;
    const id = ctx.link(
      resource,
      ['destination_config', 0, outcome, 0, 'destination'],
      arnLink(ctx, `destination_config.${outcome}.destination`),
    );
    if (id) destinations.push(id);
  }
  return { functionId, destinations };
}
