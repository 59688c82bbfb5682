/**
 * Serverless Framework function events → triggers: http / httpApi (IAM when `authorizer` is aws_iam), sqs, sns,
 * s3, stream, eventBridge, schedule, cloudwatchEvent, alb and websocket (reachable without IAM). The Framework
 * creates topics, buckets and buses named in events; those become resources here too.
 */
import { arnOf, eventPatternFiredBy, resourceFromArn } from '../../estate/index.js';
import { UnreadableProperty, isRecord, type ImportContext } from '../cloudformation/index.js';
import { addApiTrigger } from '../cloudformation/apiGateway.js';
import { addPollerTrigger, pollerSource } from '../cloudformation/lambda.js';
import {
  addInvokePermission,
  addS3Trigger,
  addTrigger,
  addUnauthenticatedHttpTrigger,
  executeApiRouteSource,
} from '../cloudformation/triggers.js';
import {
  asList,
  bucketArnOf,
  describe,
  eventBusArnOf,
  optionalString,
  queueArnOf,
  requireString,
  topicArnOf,
} from '../cloudformation/values.js';
import {
  httpApiId,
  normalizedFunctionName,
  restApiId,
  type ServerlessApp,
  type ServerlessFunction,
} from './app.js';
import type { ExecutionRoles } from './roles.js';
import { unresolvedEventSource } from './unresolved.js';

type Path = (string | number)[];

interface EventContext {
  ctx: ImportContext;
  app: ServerlessApp;
  fn: ServerlessFunction;
  roles: ExecutionRoles;
  /** The event's value, resolved (intrinsics evaluated against resources.Resources). */
  value: unknown;
  path: Path;
  index: number;
}

type EventHandler = (event: EventContext) => void;

const field = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);
const enabled = (value: unknown): boolean => field(value, 'enabled') !== false;

function addDeclaredResource(event: EventContext, arn: string): void {
  event.ctx.builder.addResource({ ...resourceFromArn(arn), source: event.ctx.sourceAt(event.path) }, true);
}

function permission(
  event: EventContext,
  suffix: string,
  principal: string,
  extra: { sourceArn?: string; sourceAccount?: string },
): void {
  addInvokePermission(
    event.ctx,
    {
      functionId: event.fn.id,
      key: `${normalizedFunctionName(event.fn.key)}LambdaPermission${suffix}${event.index}`,
      principal,
      ...extra,
    },
    event.path,
  );
}

/** `aws_iam` as a string or `{ type: aws_iam }`. */
function isIamAuthorizer(authorizer: unknown): boolean {
  const type = typeof authorizer === 'string' ? authorizer : optionalString(field(authorizer, 'type'));
  return type?.toLowerCase() === 'aws_iam';
}

/** An authorizer that is not IAM (Cognito, JWT, a Lambda authorizer) guards the route: it is not anonymous. */
function isGuardedBy(authorizer: unknown): boolean {
  return authorizer !== undefined && authorizer !== null && !isIamAuthorizer(authorizer);
}

/** `GET path` as a string, or `{ method, path }`. */
function methodAndPath(value: unknown): { method?: string; path?: string } {
  if (typeof value === 'string') {
    const [method, path] = value.trim().split(/\s+/, 2);
    return { ...(method ? { method } : {}), ...(path ? { path } : {}) };
  }
  const method = optionalString(field(value, 'method'));
  const path = optionalString(field(value, 'path'));
  return { ...(method ? { method } : {}), ...(path ? { path } : {}) };
}

const http: EventHandler = (event) => {
  const { method, path } = methodAndPath(event.value);
  if (!method || path === undefined)
    throw new UnreadableProperty(
      event.path,
      `http event needs a method and a path, found ${describe(event.value)}`,
    );
  const apiId = restApiId(event.app);
  addDeclaredResource(event, arnOf.api(event.ctx.scope, apiId));
  addApiTrigger(
    event.ctx,
    {
      apiId,
      method,
      path,
      iam: isIamAuthorizer(field(event.value, 'authorizer')),
      guarded: isGuardedBy(field(event.value, 'authorizer')),
    },
    event.fn.id,
    event.path,
  );
  permission(event, 'ApiGateway', 'apigateway.amazonaws.com', {
    sourceArn: `${arnOf.api(event.ctx.scope, apiId)}/*/*`,
  });
};

const httpApi: EventHandler = (event) => {
  const apiId = httpApiId(event.app);
  addDeclaredResource(event, arnOf.api(event.ctx.scope, apiId));
  const iam = isIamAuthorizer(field(event.value, 'authorizer'));
  const guarded = isGuardedBy(field(event.value, 'authorizer'));
  const { method, path } = methodAndPath(event.value);
  const route =
    event.value === '*' || !method || !path
      ? { apiId, routeKey: '$default', iam, guarded }
      : { apiId, method, path, iam, guarded };
  addApiTrigger(event.ctx, route, event.fn.id, event.path);
  permission(event, 'HttpApi', 'apigateway.amazonaws.com', {
    sourceArn: `${arnOf.api(event.ctx.scope, apiId)}/*`,
  });
};

/** Poll-based events also give the Framework's role read access to the source. */
const POLLER_ACTIONS: Record<string, string[]> = {
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  'dynamodb-stream': [
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:DescribeStream',
    'dynamodb:ListStreams',
  ],
  kinesis: [
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:DescribeStream',
    'kinesis:ListStreams',
  ],
};

function pollerEvent(
  event: EventContext,
  sourceArn: string,
  expected?: 'sqs' | 'kinesis' | 'dynamodb-stream',
): void {
  // `filterPatterns` lists the patterns as objects; Lambda's FilterCriteria holds them as JSON text.
  const patterns = isRecord(event.value) ? event.value.filterPatterns : undefined;
  const filters = Array.isArray(patterns) ? patterns.map((p) => JSON.stringify(p)) : undefined;
  addPollerTrigger(event.ctx, sourceArn, event.fn.id, event.path, expected, filters);
  const rule = pollerSource(sourceArn)?.rule;
  const actions = rule ? POLLER_ACTIONS[rule] : undefined;
  if (actions)
    event.roles.addPollerStatement(event.fn, { Effect: 'Allow', Action: actions, Resource: [sourceArn] });
}

const sqs: EventHandler = (event) => {
  if (!enabled(event.value)) return;
  const arn = requireString(
    typeof event.value === 'string' ? event.value : field(event.value, 'arn'),
    event.path,
    'sqs arn',
  );
  pollerEvent(event, queueArnOf(event.ctx, arn), 'sqs');
};

const stream: EventHandler = (event) => {
  if (!enabled(event.value)) return;
  const arn = requireString(
    typeof event.value === 'string' ? event.value : field(event.value, 'arn'),
    event.path,
    'stream arn',
  );
  pollerEvent(event, arn);
};

const sns: EventHandler = (event) => {
  const value = event.value;
  const arn =
    typeof value === 'string'
      ? value.startsWith('arn:')
        ? value
        : undefined
      : optionalString(field(value, 'arn'));
  const topicName = typeof value === 'string' ? value : optionalString(field(value, 'topicName'));
  const topic = arn ?? (topicName ? topicArnOf(event.ctx, topicName) : undefined);
  if (!topic)
    throw new UnreadableProperty(event.path, `sns event needs a topic name or ARN, found ${describe(value)}`);
  if (!arn) addDeclaredResource(event, topic); // the Framework creates the topic
  addTrigger(event.ctx, 'sns', topic, event.fn.id, event.path);
  permission(event, 'SNS', 'sns.amazonaws.com', { sourceArn: topic });
};

const s3: EventHandler = (event) => {
  const value = event.value;
  const bucket = requireString(
    typeof value === 'string' ? value : field(value, 'bucket'),
    event.path,
    's3 bucket',
  );
  const bucketArn = bucketArnOf(event.ctx, bucket);
  if (field(value, 'existing') !== true) addDeclaredResource(event, bucketArn);
  const events = asList(field(value, 'event') ?? 's3:ObjectCreated:*').filter(
    (e): e is string => typeof e === 'string',
  );
  addS3Trigger(event.ctx, bucketArn, events, event.fn.id, event.path);
  permission(event, 'S3', 's3.amazonaws.com', {
    sourceArn: bucketArn,
    sourceAccount: event.ctx.scope.account,
  });
};

function ruleArn(event: EventContext, kind: string, bus?: string): string {
  const name = optionalString(field(event.value, 'name')) ?? `${event.fn.name}-${kind}-${event.index}`;
  return arnOf.rule(event.ctx.scope, name, bus && !bus.startsWith('arn:') ? bus : 'default');
}

const schedule: EventHandler = (event) => {
  if (!enabled(event.value)) return;
  const arn = ruleArn(event, 'schedule');
  addTrigger(event.ctx, 'schedule', arn, event.fn.id, event.path);
  permission(event, 'EventBridge', 'events.amazonaws.com', { sourceArn: arn });
};

function busEvent(event: EventContext, busValue: unknown, pattern: unknown, kind: string): void {
  const bus = optionalString(busValue);
  const busArn = eventBusArnOf(event.ctx, bus);
  // A bus named (not referenced by ARN) in the event is created by the Framework.
  if (bus && !bus.startsWith('arn:') && bus !== 'default') addDeclaredResource(event, busArn);
  addTrigger(
    event.ctx,
    'eventbridge',
    busArn,
    event.fn.id,
    event.path,
    eventPatternFiredBy(pattern),
    isRecord(pattern) ? { eventPattern: JSON.stringify(pattern) } : {},
  );
  permission(event, 'EventBridge', 'events.amazonaws.com', { sourceArn: ruleArn(event, kind, bus) });
}

const eventBridge: EventHandler = (event) => {
  if (!enabled(event.value)) return;
  if (field(event.value, 'schedule') !== undefined && field(event.value, 'pattern') === undefined) {
    schedule(event);
    return;
  }
  busEvent(event, field(event.value, 'eventBus'), field(event.value, 'pattern'), 'rule');
};

const cloudwatchEvent: EventHandler = (event) => {
  if (!enabled(event.value)) return;
  busEvent(event, field(event.value, 'eventBus'), field(event.value, 'event'), 'rule');
};

const alb: EventHandler = (event) => {
  const listener = requireString(
    field(event.value, 'listenerArn'),
    [...event.path, 'listenerArn'],
    'listenerArn',
  );
  addUnauthenticatedHttpTrigger(event.ctx, listener, event.fn.id, event.path);
};

const websocket: EventHandler = (event) => {
  const route =
    typeof event.value === 'string'
      ? event.value
      : requireString(field(event.value, 'route'), event.path, 'websocket route');
  const source = executeApiRouteSource(
    event.ctx,
    `${event.app.service}-${event.app.stage}-websockets`,
    route,
  );
  addUnauthenticatedHttpTrigger(event.ctx, source, event.fn.id, event.path);
};

const HANDLERS: Record<string, EventHandler> = {
  http,
  httpApi,
  sqs,
  stream,
  sns,
  s3,
  schedule,
  eventBridge,
  cloudwatchEvent,
  alb,
  websocket,
};

/** Event types the Framework supports that no requester action in ares's trigger table fires. */
const UNMODELLED = new Set([
  'cloudwatchLog',
  'iot',
  'iotFleetProvisioning',
  'alexaSkill',
  'alexaSmartHome',
  'cognitoUserPool',
  'kafka',
  'activemq',
  'rabbitmq',
  'msk',
  'cloudFront',
]);

export function importEvents(
  ctx: ImportContext,
  app: ServerlessApp,
  fn: ServerlessFunction,
  roles: ExecutionRoles,
): void {
  asList(fn.config.events).forEach((raw, index) => {
    const itemPath = [...fn.path, 'events', index];
    // `- alexaSkill` (a bare type) is an event without settings.
    const type = typeof raw === 'string' ? raw : isRecord(raw) ? Object.keys(raw)[0] : undefined;
    if (type === undefined) {
      ctx.error(itemPath, `expected an event such as {http: ...}, found ${describe(raw)}`);
      return;
    }
    const path = [...itemPath, type];
    const handler = HANDLERS[type];
    if (!handler) {
      if (UNMODELLED.has(type)) ctx.info(path, `event type ${type} is not modelled as a trigger`);
      else ctx.error(path, `unknown event type '${type}'`);
      return;
    }
    try {
      const value = isRecord(raw) ? ctx.resolve(raw[type], path) : undefined;
      const variable = unresolvedEventSource(value);
      if (variable !== undefined) {
        ctx.info(path, `${type} event skipped: its source names ${variable}, which is not resolved`);
        return;
      }
      handler({ ctx, app, fn, roles, value, path, index });
    } catch (error) {
      if (error instanceof UnreadableProperty) ctx.error(error.path, error.problem);
      else ctx.error(path, `event cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
