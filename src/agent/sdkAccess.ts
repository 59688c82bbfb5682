/**
 * Call mode: the (action, resource) pairs an outgoing AWS SDK v3 call performs, from the client's service, the
 * command's name and its input, as data (service prefixes, renamed actions, where each service keeps its resource).
 * A resource that cannot be derived is left undefined (the decision then matches on the action alone).
 */
import type { ResourceScope } from './state.js';

export interface CallAccess {
  action: string;
  resource: string | undefined;
}

/** Client name without `Client` → IAM service prefix, where they differ from the lower-cased name. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  DynamoDB: 'dynamodb',
  DynamoDBStreams: 'dynamodb',
  EventBridge: 'events',
  CloudWatchEvents: 'events',
  SFN: 'states',
  CloudWatchLogs: 'logs',
  CloudWatch: 'cloudwatch',
  SecretsManager: 'secretsmanager',
  ApiGatewayManagementApi: 'execute-api',
  KinesisFirehose: 'firehose',
  Firehose: 'firehose',
};

/** SDK operations whose IAM action has another name. */
const ACTION_ALIASES: Readonly<Record<string, string>> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
  'lambda:InvokeAsync': 'lambda:InvokeFunction',
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'sns:PublishBatch': 'sns:Publish',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:CopyObject': 's3:PutObject',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
  's3:AbortMultipartUpload': 's3:AbortMultipartUpload',
};

/** DynamoDB transaction item kinds → the action each item needs. */
const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

type Input = Record<string, unknown>;

export function servicePrefix(service: string): string {
  return SERVICE_PREFIX[service] ?? service.toLowerCase();
}

export function iamAction(service: string, operation: string): string {
  const action = `${servicePrefix(service)}:${operation}`;
  return ACTION_ALIASES[action] ?? action;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function arn(scope: ResourceScope, service: string, rest: string, global = false): string {
  return global
    ? `arn:${scope.partition}:${service}:::${rest}`
    : `arn:${scope.partition}:${service}:${scope.region ?? ''}:${scope.account ?? ''}:${rest}`;
}

function dynamoTable(name: string, scope: ResourceScope): string {
  return name.startsWith('arn:') ? name : arn(scope, 'dynamodb', `table/${name}`);
}

/** `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (or the legacy `REGION.queue.amazonaws.com`) → queue ARN. */
export function queueArn(url: string, scope: ResourceScope): string | undefined {
  const m = /^https?:\/\/([^/]+)\/(\d{12})\/([^/?#]+)/.exec(url);
  if (!m) return undefined;
  const host = m[1]!;
  const region =
    /^sqs\.([a-z0-9-]+)\./.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\./.exec(host)?.[1] ?? scope.region;
  return `arn:${scope.partition}:sqs:${region ?? ''}:${m[2]}:${m[3]}`;
}

/** A Lambda function name, partial ARN (`ACCOUNT:function:NAME`) or ARN → the unqualified function ARN. */
export function lambdaArn(name: string, scope: ResourceScope): string {
  const full = /^arn:[^:]+:lambda:[^:]*:\d{12}:function:([^:]+)/.exec(name);
  if (full) return full[0];
  const partial = /^(\d{12}):function:([^:]+)/.exec(name);
  if (partial)
    return `arn:${scope.partition}:lambda:${scope.region ?? ''}:${partial[1]}:function:${partial[2]}`;
  return arn(scope, 'lambda', `function:${name.split(':')[0]}`);
}

function eventBus(name: string | undefined, scope: ResourceScope): string {
  if (name?.startsWith('arn:')) return name;
  return arn(scope, 'events', `event-bus/${name ?? 'default'}`);
}

/** The accesses one SDK call performs (usually one; DynamoDB batches and transactions one per table or item). */
export function accessesOf(
  service: string,
  operation: string,
  input: Input,
  scope: ResourceScope,
): CallAccess[] {
  const action = iamAction(service, operation);
  const prefix = servicePrefix(service);
  const single = (resource: string | undefined): CallAccess[] => [{ action, resource }];
  switch (prefix) {
    case 'dynamodb': {
      const table = str(input.TableName);
      if (table !== undefined) return single(dynamoTable(table, scope));
      const items = input.RequestItems;
      if (typeof items === 'object' && items !== null)
        return Object.keys(items).map((t) => ({ action, resource: dynamoTable(t, scope) }));
      if (Array.isArray(input.TransactItems)) return transactAccesses(input.TransactItems, scope);
      return single(undefined);
    }
    case 's3': {
      const bucket = str(input.Bucket);
      if (bucket === undefined) return single(undefined);
      const key = str(input.Key);
      if (key !== undefined) return single(arn(scope, 's3', `${bucket}/${key}`, true));
      const objects = (input.Delete as { Objects?: unknown } | undefined)?.Objects;
      if (Array.isArray(objects))
        return objects.map((o) => ({
          action,
          resource: arn(scope, 's3', `${bucket}/${str((o as { Key?: unknown }).Key) ?? ''}`, true),
        }));
      return single(arn(scope, 's3', bucket, true));
    }
    case 'sqs': {
      const url = str(input.QueueUrl);
      return single(url === undefined ? undefined : queueArn(url, scope));
    }
    case 'sns':
      return single(str(input.TopicArn) ?? str(input.TargetArn));
    case 'lambda': {
      const name = str(input.FunctionName);
      return single(name === undefined ? undefined : lambdaArn(name, scope));
    }
    case 'events': {
      if (operation !== 'PutEvents' || !Array.isArray(input.Entries)) return single(undefined);
      const buses = new Set(input.Entries.map((e) => eventBus(str((e as Input).EventBusName), scope)));
      return [...buses].map((resource) => ({ action, resource }));
    }
    case 'kinesis': {
      const stream = str(input.StreamARN) ?? str(input.StreamName);
      return single(
        stream === undefined
          ? undefined
          : stream.startsWith('arn:')
            ? stream
            : arn(scope, 'kinesis', `stream/${stream}`),
      );
    }
    default:
      return single(undefined);
  }
}

function transactAccesses(items: unknown[], scope: ResourceScope): CallAccess[] {
  const accesses: CallAccess[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    for (const [kind, body] of Object.entries(item)) {
      const action = TRANSACT_ACTIONS[kind];
      const table = str((body as Input | undefined)?.TableName);
      if (action !== undefined)
        accesses.push({ action, resource: table === undefined ? undefined : dynamoTable(table, scope) });
    }
  }
  return accesses;
}
