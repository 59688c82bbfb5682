/**
 * SAM function `Events`: each event type becomes the trigger SAM wires up, plus the function permission SAM
 * adds for push sources and, on a generated role, the managed policy SAM adds for poll-based sources.
 */
import { arnOf, eventPatternFiredBy, resourceFromArn } from '../../estate/index.js';
import { addApiTrigger, apiIdOf, samApiDefaultIsIam } from './apiGateway.js';
import type { ImportContext } from './context.js';
import { UnreadableProperty } from './errors.js';
import { attachManagedPolicy } from './iam.js';
import { filterPatternsOf } from '../common/filterCriteria.js';
import { addPollerTrigger } from './lambda.js';
import type { Path } from './path.js';
import { isRecord, type TemplateResource } from './resolver.js';
import { addInvokePermission, addS3Trigger, addTrigger, executeApiSource } from './triggers.js';
import {
  asList,
  bucketArnOf,
  describe,
  eventBusArnOf,
  optionalString,
  queueArnOf,
  requireString,
  topicArnOf,
} from './values.js';

export interface SamEventContext {
  ctx: ImportContext;
  functionLogicalId: string;
  functionId: string;
  name: string;
  props: Record<string, unknown>;
  rawProps: Record<string, unknown>;
  path: Path;
  /** The generated execution role, when SAM generates it (SAM then adds poller policies to it). */
  generatedRoleId?: string;
}

type EventHandler = (event: SamEventContext) => void;

export const IMPLICIT_REST_API = 'ServerlessRestApi';
export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';

/** Managed policies SAM adds to a generated role for poll-based sources (service-role/...). */
const POLLER_POLICIES: Record<string, string> = {
  SQS: 'AWSLambdaSQSQueueExecutionRole',
  Kinesis: 'AWSLambdaKinesisExecutionRole',
  DynamoDB: 'AWSLambdaDynamoDBExecutionRole',
};

function addPollerPolicy(event: SamEventContext, type: string): void {
  const name = POLLER_POLICIES[type];
  if (!event.generatedRoleId || !name) return;
  const arn = arnOf.managedPolicy({ ...event.ctx.scope, account: 'aws' }, name, '/service-role/');
  attachManagedPolicy(event.ctx, event.generatedRoleId, arn, 'identity', event.path);
}

function disabled(props: Record<string, unknown>): boolean {
  return props.Enabled === false || props.Enabled === 'false' || props.State === 'DISABLED';
}

function permission(
  event: SamEventContext,
  principal: string,
  extra: { sourceArn?: string; sourceAccount?: string },
): void {
  addInvokePermission(
    event.ctx,
    {
      functionId: event.functionId,
      key: `${event.functionLogicalId}${event.name}Permission`,
      principal,
      ...extra,
    },
    event.path,
  );
}

const pollerEvent =
  (type: string, key: string, rule: 'sqs' | 'kinesis' | 'dynamodb-stream'): EventHandler =>
  (event) => {
    if (disabled(event.props)) return;
    const raw = requireString(event.props[key], [...event.path, 'Properties', key], key);
    const arn = type === 'SQS' ? queueArnOf(event.ctx, raw) : raw;
    const filters = filterPatternsOf(event.props.FilterCriteria);
    addPollerTrigger(event.ctx, arn, event.functionId, event.path, rule, filters);
    addPollerPolicy(event, type);
  };

/** The logical id of the API an Api/HttpApi event names (a `Ref`), or the implicit API SAM creates. */
function eventApi(
  event: SamEventContext,
  key: string,
  implicit: string,
): { logicalId?: string; apiId: string } {
  const raw = event.rawProps[key];
  if (raw === undefined) {
    const apiId = apiIdOf(event.ctx, implicit);
    const resource = resourceFromArn(arnOf.api(event.ctx.scope, apiId));
    event.ctx.builder.addResource({ ...resource, source: event.ctx.sourceAt(event.path) }, true);
    return { logicalId: implicit, apiId };
  }
  const logicalId = isRecord(raw) && typeof raw.Ref === 'string' ? raw.Ref : undefined;
  const apiId = requireString(event.props[key], [...event.path, 'Properties', key], key);
  return { ...(logicalId ? { logicalId } : {}), apiId };
}

/** Event Auth.Authorizer wins; otherwise the API's DefaultAuthorizer decides. */
function eventUsesIam(event: SamEventContext, apiLogicalId: string | undefined): boolean {
  const auth = event.props.Auth;
  const authorizer = isRecord(auth) ? optionalString(auth.Authorizer) : undefined;
  if (authorizer !== undefined) return authorizer === 'AWS_IAM';
  return apiLogicalId !== undefined && samApiDefaultIsIam(event.ctx, apiLogicalId);
}

/** Whether an authorizer other than IAM (Cognito, JWT, Lambda) guards the event's route: it is not anonymous. */
function eventIsGuarded(event: SamEventContext, apiLogicalId: string | undefined): boolean {
  const auth = event.props.Auth;
  const authorizer = isRecord(auth) ? optionalString(auth.Authorizer) : undefined;
  if (authorizer !== undefined) return authorizer !== 'NONE' && authorizer !== 'AWS_IAM';
  const api = apiLogicalId !== undefined ? event.ctx.resources.get(apiLogicalId) : undefined;
  const apiAuth = api
    ? event.ctx.resolve(api.properties.Auth, [...api.path, 'Properties', 'Auth'])
    : undefined;
  const fallback = isRecord(apiAuth) ? optionalString(apiAuth.DefaultAuthorizer) : undefined;
  return fallback !== undefined && fallback !== 'NONE' && fallback !== 'AWS_IAM';
}

const apiEvent =
  (key: string, implicit: string): EventHandler =>
  (event) => {
    const { logicalId, apiId } = eventApi(event, key, implicit);
    const iam = eventUsesIam(event, logicalId);
    const guarded = eventIsGuarded(event, logicalId);
    const path = optionalString(event.props.Path);
    const method = optionalString(event.props.Method);
    const hasRoute = path !== undefined && method !== undefined;
    addApiTrigger(
      event.ctx,
      hasRoute ? { apiId, method, path, iam, guarded } : { apiId, routeKey: '$default', iam, guarded },
      event.functionId,
      event.path,
    );
    // SAM scopes the permission to the route on any stage, i.e. the trigger's own source.
    const sourceArn = hasRoute
      ? executeApiSource(event.ctx, apiId, method, path)
      : `${arnOf.api(event.ctx.scope, apiId)}/*`;
    permission(event, 'apigateway.amazonaws.com', { sourceArn });
  };

function ruleArn(event: SamEventContext, nameKey: string, bus: string | undefined): string {
  const name = optionalString(event.props[nameKey]) ?? `${event.functionLogicalId}${event.name}`;
  return arnOf.rule(event.ctx.scope, name, bus && !bus.startsWith('arn:') ? bus : 'default');
}

const ruleEvent =
  (nameKey: string): EventHandler =>
  (event) => {
    if (disabled(event.props)) return;
    const bus = optionalString(event.props.EventBusName);
    const pattern = event.props.Pattern;
    addTrigger(
      event.ctx,
      'eventbridge',
      eventBusArnOf(event.ctx, bus),
      event.functionId,
      event.path,
      eventPatternFiredBy(pattern),
      pattern !== undefined && pattern !== null
        ? { eventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }
        : {},
    );
    permission(event, 'events.amazonaws.com', { sourceArn: ruleArn(event, nameKey, bus) });
  };

const scheduleEvent =
  (nameKey: string, withPermission: boolean): EventHandler =>
  (event) => {
    if (disabled(event.props)) return;
    const arn = ruleArn(event, nameKey, undefined);
    addTrigger(event.ctx, 'schedule', arn, event.functionId, event.path);
    if (withPermission) permission(event, 'events.amazonaws.com', { sourceArn: arn });
  };

const HANDLERS: Record<string, EventHandler> = {
  SQS: pollerEvent('SQS', 'Queue', 'sqs'),
  Kinesis: pollerEvent('Kinesis', 'Stream', 'kinesis'),
  DynamoDB: pollerEvent('DynamoDB', 'Stream', 'dynamodb-stream'),
  SNS: (event) => {
    const topic = topicArnOf(
      event.ctx,
      requireString(event.props.Topic, [...event.path, 'Properties', 'Topic'], 'Topic'),
    );
    addTrigger(event.ctx, 'sns', topic, event.functionId, event.path);
    permission(event, 'sns.amazonaws.com', { sourceArn: topic });
  },
  S3: (event) => {
    const bucket = bucketArnOf(
      event.ctx,
      requireString(event.props.Bucket, [...event.path, 'Properties', 'Bucket'], 'Bucket'),
    );
    const events = asList(event.props.Events).filter((e): e is string => typeof e === 'string');
    if (events.length === 0) {
      event.ctx.error(
        [...event.path, 'Properties', 'Events'],
        `S3 event needs Events, found ${describe(event.props.Events)}`,
      );
      return;
    }
    addS3Trigger(event.ctx, bucket, events, event.functionId, event.path);
    permission(event, 's3.amazonaws.com', { sourceArn: bucket, sourceAccount: event.ctx.scope.account });
  },
  Api: apiEvent('RestApiId', IMPLICIT_REST_API),
  HttpApi: apiEvent('ApiId', IMPLICIT_HTTP_API),
  Schedule: scheduleEvent('Name', true),
  // EventBridge Scheduler invokes with its own role; no function permission is involved.
  ScheduleV2: scheduleEvent('Name', false),
  CloudWatchEvent: ruleEvent('RuleName'),
  EventBridgeRule: ruleEvent('RuleName'),
};

/** Event types SAM supports that no requester action in ares's trigger table fires. */
const UNMODELLED = new Set([
  'CloudWatchLogs',
  'IoTRule',
  'AlexaSkill',
  'Cognito',
  'MSK',
  'MQ',
  'SelfManagedKafka',
  'DocumentDB',
]);

export function importSamEvents(
  ctx: ImportContext,
  functionLogicalId: string,
  functionId: string,
  resource: TemplateResource,
  generatedRoleId: string | undefined,
): void {
  const eventsPath = [...resource.path, 'Properties', 'Events'];
  const events = ctx.resolve(resource.properties.Events, eventsPath);
  if (events === undefined) return;
  if (!isRecord(events)) {
    ctx.error(eventsPath, `Events must be a map, found ${describe(events)}`);
    return;
  }
  const rawEvents = isRecord(resource.properties.Events) ? resource.properties.Events : {};
  for (const [name, event] of Object.entries(events)) {
    const path = [...eventsPath, name];
    try {
      const type = isRecord(event) ? optionalString(event.Type) : undefined;
      const handler = type ? HANDLERS[type] : undefined;
      if (!type || !handler) {
        if (type && UNMODELLED.has(type)) ctx.info(path, `event type ${type} is not modelled as a trigger`);
        else ctx.error(path, `unknown event type ${describe(type)}`);
        continue;
      }
      const raw = rawEvents[name];
      handler({
        ctx,
        functionLogicalId,
        functionId,
        name,
        props: isRecord(event) && isRecord(event.Properties) ? event.Properties : {},
        rawProps: isRecord(raw) && isRecord(raw.Properties) ? raw.Properties : {},
        path,
        ...(generatedRoleId ? { generatedRoleId } : {}),
      });
    } catch (error) {
      reportEventError(ctx, path, error);
    }
  }
}

function reportEventError(ctx: ImportContext, path: Path, error: unknown): void {
  if (error instanceof UnreadableProperty) ctx.error(error.path, error.problem);
  else ctx.error(path, `event cannot be read: ${error instanceof Error ? error.message : String(error)}`);
}
