/**
 * Terraform resources that are event sources or carry resource policies: queues, topics, buckets, tables, streams,
 * secrets, event buses and rules become Resources; their policies become 'resource' PolicyAttachments; subscriptions,
 * bucket notifications and rule targets become Triggers.
 */
import { arnOf, eventPatternFiredBy, resourceFromArn } from '../../estate/index.js';
import { s3RuleOf, triggerOf } from '../common/awsLinks.js';
import { arrayField, isRecord, stringList } from '../common/json.js';
import { busName, stringValue, type LinkSpec, type TfContext } from './context.js';
import { functionLink } from './lambda.js';
import type { TfResource } from './showJson.js';

/** The name of each type's resource policy, as a person calls it. */
const POLICY_NAMES: Record<string, string> = {
  aws_sqs_queue: 'queue policy',
  aws_sqs_queue_policy: 'queue policy',
  aws_sns_topic: 'topic policy',
  aws_sns_topic_policy: 'topic policy',
  aws_s3_bucket: 'bucket policy',
  aws_s3_bucket_policy: 'bucket policy',
  aws_secretsmanager_secret: 'secret policy',
};

function addResourcePolicy(
  ctx: TfContext,
  resource: TfResource,
  resourceId: string,
  document: unknown,
): void {
  ctx.builder.addPolicy({
    id: `${resourceId}#resource-policy`,
    name: POLICY_NAMES[resource.type] ?? 'resource policy',
    type: 'resource',
    attachedTo: resourceId,
    document,
    source: ctx.builder.at(`${resource.address}.policy`),
  });
}

/** Queues, topics, buckets, tables, streams, secrets, buses, state machines: a Resource, and its inline policy. */
export function importResource(ctx: TfContext, resource: TfResource): void {
  const identity = ctx.identity(resource);
  if (!identity) return;
  ctx.builder.addResource({
    ...resourceFromArn(identity.id),
    name: identity.name,
    source: ctx.builder.at(resource.address),
  });
  if (resource.type in POLICY_NAMES) {
    // The inline `policy` is optional (and computed from a separate policy resource in a state).
    const document = ctx.document(resource, ['policy'], false);
    if (document !== undefined) addResourcePolicy(ctx, resource, identity.id, document);
  }
}

const POLICY_SUBJECTS: Record<string, { key: string; link: (ctx: TfContext) => LinkSpec }> = {
  aws_sqs_queue_policy: {
    key: 'queue_url',
    link: (ctx) => ({ what: 'queue_url', types: ['aws_sqs_queue'], read: ctx.readQueue }),
  },
  aws_sns_topic_policy: {
    key: 'arn',
    link: (ctx) => ({ what: 'arn', types: ['aws_sns_topic'], read: ctx.readArn }),
  },
  aws_s3_bucket_policy: {
    key: 'bucket',
    link: (ctx) => ({ what: 'bucket', types: ['aws_s3_bucket'], read: ctx.readBucket }),
  },
};

/** aws_sqs_queue_policy, aws_sns_topic_policy, aws_s3_bucket_policy. */
export function importResourcePolicy(ctx: TfContext, resource: TfResource): void {
  const subject = POLICY_SUBJECTS[resource.type];
  if (!subject) return;
  const id = ctx.link(resource, [subject.key], subject.link(ctx));
  const document = ctx.document(resource, ['policy']);
  if (id && document !== undefined) addResourcePolicy(ctx, resource, id, document);
}

/** aws_sns_topic_subscription: a `lambda` subscription triggers the function on Publish. */
export function importSubscription(ctx: TfContext, resource: TfResource): void {
  const protocol = stringValue(resource.values, 'protocol');
  if (protocol === 'sqs') {
    ctx.builder.info(
      'subscription delivers to a queue; topic → queue chains are not modelled',
      resource.address,
    );
    return;
  }
  if (protocol !== 'lambda') return;
  const topic = ctx.link(resource, ['topic_arn'], {
    what: 'topic_arn',
    types: ['aws_sns_topic'],
    read: ctx.readArn,
  });
  const fn = ctx.link(resource, ['endpoint'], functionLink(ctx, 'endpoint'));
  if (topic && fn) ctx.builder.addTrigger(triggerOf('sns', topic, fn, ctx.builder.at(resource.address)));
}

/** aws_s3_bucket_notification: each lambda_function block triggers its function by its events. */
export function importBucketNotification(ctx: TfContext, resource: TfResource): void {
  const bucket = ctx.link(resource, ['bucket'], {
    what: 'bucket',
    types: ['aws_s3_bucket'],
    read: ctx.readBucket,
  });
  if (!bucket) return;
  arrayField(resource.values, 'lambda_function').forEach((block, i) => {
    const path = `${resource.address}.lambda_function[${i}]`;
    if (!isRecord(block)) return;
    const fn = ctx.link(
      resource,
      ['lambda_function', i, 'lambda_function_arn'],
      functionLink(ctx, `lambda_function[${i}].lambda_function_arn`),
    );
    const { rule, other } = s3RuleOf(stringList(block.events));
    if (other.length > 0) ctx.builder.info(`events ${other.join(', ')} fire no modelled trigger`, path);
    if (fn && rule) ctx.builder.addTrigger(triggerOf(rule, bucket, fn, ctx.builder.at(path)));
  });
  for (const kind of ['queue', 'topic']) {
    if (arrayField(resource.values, kind).length > 0) {
      ctx.builder.info(
        `bucket notifies a ${kind}; bucket → ${kind} chains are not modelled`,
        resource.address,
      );
    }
  }
  if (resource.values.eventbridge === true) {
    ctx.builder.info(
      'bucket sends its events to the default event bus; bucket → bus chains are not modelled',
      resource.address,
    );
  }
}

/** aws_cloudwatch_event_rule: the rule, and the bus it listens on, as Resources. */
export function importRule(ctx: TfContext, resource: TfResource): void {
  importResource(ctx, resource);
  const bus = stringValue(resource.values, 'event_bus_name');
  const busId = bus?.startsWith('arn:') ? bus : arnOf.eventBus(ctx.scopeOf(resource), busName(bus));
  ctx.builder.addResource({ ...resourceFromArn(busId), source: ctx.builder.at(resource.address) });
  const pattern = stringValue(resource.values, 'event_pattern');
  if (pattern) {
    try {
      JSON.parse(pattern);
    } catch {
      ctx.builder.error('event_pattern is not valid JSON', resource.address);
    }
  }
}

function ruleIsDisabled(values: Record<string, unknown>): boolean {
  return values.is_enabled === false || values.state === 'DISABLED';
}

/**
 * aws_cloudwatch_event_target whose target is a function. A rule in the input decides the trigger: a pattern rule
 * is fired by PutEvents on its bus, a schedule by no one. A rule outside the input is taken as a pattern rule and
 * the trigger's source is the rule's ARN, for the profile to resolve.
 */
export function importRuleTarget(ctx: TfContext, resource: TfResource): void {
  const scope = ctx.scopeOf(resource);
  const bus = busName(resource.values.event_bus_name);
  const readRule = (value: string) => (value.startsWith('arn:') ? value : arnOf.rule(scope, value, bus));
  const ruleId = ctx.link(resource, ['rule'], {
    what: 'rule',
    types: ['aws_cloudwatch_event_rule'],
    read: readRule,
  });
  const targetArn = ctx.link(resource, ['arn'], { what: 'arn', types: [], read: ctx.readArn });
  if (!ruleId || !targetArn) return;
  const fn = ctx.readFunction(targetArn, resource);
  if (!targetArn.includes(':lambda:') || !fn) {
    ctx.builder.info(`rule targets ${targetArn}; only function targets are modelled`, resource.address);
    return;
  }
  const at = ctx.builder.at(resource.address);
  const rule = ctx.resourceById(ruleId);
  if (!rule) {
    ctx.builder.info(
      `rule ${ruleId} is not in the input; the trigger's source is the rule`,
      resource.address,
    );
    ctx.builder.addTrigger(triggerOf('eventbridge', ruleId, fn, at));
    return;
  }
  if (ruleIsDisabled(rule.values)) {
    ctx.builder.info(`rule ${ruleId} is disabled; no trigger`, resource.address);
  } else if (stringValue(rule.values, 'event_pattern')) {
    const ruleBus = stringValue(rule.values, 'event_bus_name');
    const busId = ruleBus?.startsWith('arn:') ? ruleBus : arnOf.eventBus(ctx.scopeOf(rule), busName(ruleBus));
    const trigger = triggerOf('eventbridge', busId, fn, at);
    trigger.firedBy = [...eventPatternFiredBy(stringValue(rule.values, 'event_pattern'))];
    trigger.eventPattern = stringValue(rule.values, 'event_pattern');
    ctx.builder.addTrigger(trigger);
  } else if (stringValue(rule.values, 'schedule_expression')) {
    ctx.builder.addTrigger(triggerOf('schedule', ruleId, fn, at));
  } else {
    ctx.builder.info(
      `rule ${ruleId} has neither a known event_pattern nor a schedule; trigger source is the rule`,
      resource.address,
    );
    ctx.builder.addTrigger(triggerOf('eventbridge', ruleId, fn, at));
  }
}
