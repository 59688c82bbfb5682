/**
 * Which request actions fire which event source. A requester who may perform one of these on the source reaches the
 * function it triggers, with no IAM check of the requester at the function. A table, not branches (see STYLE.md).
 */
import type { TriggerKind } from '../../../model/index.js';

export interface TriggerRule {
  kind: TriggerKind;
  /** The actions on the source that put an event into the function's path. */
  firedBy: string[];
}

export const TRIGGER_RULES = {
  /** SQS queue → event source mapping. SendMessageBatch is authorised as sqs:SendMessage. */
  sqs: { kind: 'queue', firedBy: ['sqs:SendMessage'] },
  /** SNS topic → subscription. */
  sns: { kind: 'topic', firedBy: ['sns:Publish'] },
  /** S3 bucket notification for s3:ObjectCreated:*. Copy and multipart uploads are authorised as s3:PutObject. */
  's3-created': { kind: 'object-store', firedBy: ['s3:PutObject'] },
  /** S3 bucket notification for s3:ObjectRemoved:*. */
  's3-removed': { kind: 'object-store', firedBy: ['s3:DeleteObject'] },
  /** S3 notification for any event. */
  's3-any': { kind: 'object-store', firedBy: ['s3:PutObject', 's3:DeleteObject'] },
  /** DynamoDB stream → event source mapping; the source is the table. */
  'dynamodb-stream': {
    kind: 'stream',
    firedBy: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  },
  /** Kinesis data stream → event source mapping. */
  kinesis: { kind: 'stream', firedBy: ['kinesis:PutRecord', 'kinesis:PutRecords'] },
  /** EventBridge rule on a bus; the source is the bus the rule listens on. */
  eventbridge: { kind: 'event-bus', firedBy: ['events:PutEvents'] },
  /** EventBridge schedule: no requester puts events into it. */
  schedule: { kind: 'schedule', firedBy: [] },
  /** API Gateway method with AWS_IAM authorization; the source is the execute-api ARN of the method. */
  'api-iam': { kind: 'http', firedBy: ['execute-api:Invoke'] },
  /** Lambda function URL with AWS_IAM auth; the source is the function itself. */
  'function-url-iam': { kind: 'http', firedBy: ['lambda:InvokeFunctionUrl'] },
  /** Step Functions state machine whose tasks invoke the function. */
  'state-machine': { kind: 'state-machine', firedBy: ['states:StartExecution', 'states:StartSyncExecution'] },
} as const satisfies Record<string, TriggerRule>;

export type TriggerRuleName = keyof typeof TRIGGER_RULES;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The actions that fire an EventBridge rule with this event pattern (an object or its JSON text). PutEvents cannot
 * send events whose `source` begins with `aws.` (AWS reserves it for its services), so a pattern that only matches
 * such sources fires on no requester's action.
 */
export function eventPatternFiredBy(pattern: unknown): readonly string[] {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern) as unknown;
    } catch {
      parsed = undefined;
    }
  }
  const sources = isObject(parsed) ? asList(parsed.source) : [];
  // A source value is either a string or a matcher; `{ prefix: 'aws.' }` also matches AWS sources only.
  const awsOnly = (s: unknown): boolean =>
    typeof s === 'string'
      ? s.startsWith('aws.')
      : isObject(s) && typeof s.prefix === 'string' && s.prefix.startsWith('aws.');
  return sources.length > 0 && sources.every(awsOnly) ? [] : TRIGGER_RULES.eventbridge.firedBy;
}
