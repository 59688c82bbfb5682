/**
 * Resources requesters act on (tables, buckets, queues, topics, ...) and the wiring that makes some of them
 * trigger functions: S3 notifications, SNS subscriptions, EventBridge rules. Hops to another resource
 * (S3 → SQS, rule → SNS) are not triggers of a function and are skipped.
 */
import { arnOf, eventPatternFiredBy, resourceFromArn } from '../../estate/index.js';
import type { ImportContext } from './context.js';
import type { Path } from './path.js';
import { isRecord, type TemplateResource } from './resolver.js';
import { addS3Trigger, addTrigger } from './triggers.js';
import {
  asList,
  eventBusArnOf,
  functionIdOf,
  isFunctionArn,
  optionalString,
  requireString,
  topicArnOf,
} from './values.js';

/** Adds the declared resource (table, bucket, queue, ...) under its ARN. */
export function importDataResource(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): string | undefined {
  const arn = ctx.resolver.arnOf(logicalId);
  if (!arn) return undefined;
  ctx.builder.addResource({ ...resourceFromArn(arn), source: ctx.sourceAt(resource.path) }, true);
  return arn;
}

export function importBucket(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const bucketArn = importDataResource(ctx, logicalId, resource) as string;
  const configPath = [...resource.path, 'Properties', 'NotificationConfiguration'];
  const notification = ctx.resolve(resource.properties.NotificationConfiguration, configPath);
  if (!isRecord(notification)) return;
  const path = [...configPath, 'LambdaConfigurations'];
  asList(notification.LambdaConfigurations).forEach((config, i) => {
    const itemPath = [...path, i];
    if (!isRecord(config)) return;
    const fn = requireString(config.Function, [...itemPath, 'Function'], 'Function');
    const event = requireString(config.Event, [...itemPath, 'Event'], 'Event');
    addS3Trigger(ctx, bucketArn, [event], functionIdOf(ctx, fn), itemPath);
  });
}

/** An SNS subscription with protocol `lambda` triggers the function on every Publish. */
function addSubscription(
  ctx: ImportContext,
  topicArn: string,
  protocol: unknown,
  endpoint: unknown,
  path: Path,
): void {
  if (optionalString(protocol)?.toLowerCase() !== 'lambda') return;
  const target = requireString(endpoint, [...path, 'Endpoint'], 'Endpoint');
  addTrigger(ctx, 'sns', topicArn, functionIdOf(ctx, target), path);
}

export function importTopic(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const topicArn = importDataResource(ctx, logicalId, resource) as string;
  const path = [...resource.path, 'Properties', 'Subscription'];
  asList(ctx.resolve(resource.properties.Subscription, path)).forEach((subscription, i) => {
    if (isRecord(subscription))
      addSubscription(ctx, topicArn, subscription.Protocol, subscription.Endpoint, [...path, i]);
  });
}

export function importSubscription(ctx: ImportContext, _logicalId: string, resource: TemplateResource): void {
  const base = [...resource.path, 'Properties'];
  const props = ctx.resolve(resource.properties, base);
  if (!isRecord(props)) return;
  if (optionalString(props.Protocol)?.toLowerCase() !== 'lambda') return;
  const topic = requireString(props.TopicArn, [...base, 'TopicArn'], 'TopicArn');
  addSubscription(ctx, topicArnOf(ctx, topic), props.Protocol, props.Endpoint, resource.path);
}

/** An EventBridge rule: functions among its targets are triggered by the bus (or by the schedule). */
/** A rule's pattern as the trigger keeps it (JSON text); templates may write it as an object or as text. */
function eventPatternOf(pattern: unknown): { eventPattern?: string } {
  if (typeof pattern === 'string') return { eventPattern: pattern };
  return pattern !== undefined && pattern !== null ? { eventPattern: JSON.stringify(pattern) } : {};
}

export function importRule(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const base = [...resource.path, 'Properties'];
  const prop = (key: string): unknown => ctx.resolve(resource.properties[key], [...base, key]);
  if (optionalString(prop('State')) === 'DISABLED') return;
  const busName = optionalString(prop('EventBusName'));
  const schedule = prop('ScheduleExpression');
  const pattern = prop('EventPattern');
  const targetsPath = [...base, 'Targets'];
  asList(prop('Targets')).forEach((target, i) => {
    const arn = isRecord(target) ? optionalString(target.Arn) : undefined;
    if (!arn || !isFunctionArn(arn)) return;
    const functionId = functionIdOf(ctx, arn);
    const itemPath = [...targetsPath, i];
    if (schedule !== undefined && pattern === undefined) {
      const ruleArn = ctx.resolver.arnOf(logicalId) ?? arnOf.rule(ctx.scope, logicalId);
      addTrigger(ctx, 'schedule', ruleArn, functionId, itemPath);
    } else {
      addTrigger(
        ctx,
        'eventbridge',
        eventBusArnOf(ctx, busName),
        functionId,
        itemPath,
        eventPatternFiredBy(pattern),
        eventPatternOf(pattern),
      );
    }
  });
}
