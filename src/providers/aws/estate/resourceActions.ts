/**
 * The actions ares follows on each resource type: data reads and writes, messaging, invocation and secrets,
 * the accesses a bypass is made of. A table keyed by `service/type` (as `resourceFromArn` names them).
 * `objectLevel` actions act on the objects inside a bucket: they are evaluated on object keys (`<bucket ARN>/*`, and
 * the key patterns policies name), see `objectKeysOf` in the estate authorizer's resource index.
 */

export interface ResourceActions {
  actions: string[];
  objectLevel?: string[];
}

export const RESOURCE_ACTIONS: Record<string, ResourceActions> = {
  'dynamodb/table': {
    actions: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ],
  },
  's3/bucket': {
    actions: ['s3:ListBucket'],
    objectLevel: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  },
  'sqs/queue': { actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'] },
  'sns/topic': { actions: ['sns:Publish'] },
  'secretsmanager/secret': { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'] },
  'lambda/function': { actions: ['lambda:InvokeFunction'] },
  'states/stateMachine': { actions: ['states:StartExecution', 'states:StartSyncExecution'] },
  'kinesis/stream': { actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:GetRecords'] },
  'events/event-bus': { actions: ['events:PutEvents'] },
  'ssm/parameter': { actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter'] },
  'kms/key': { actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] },
};
