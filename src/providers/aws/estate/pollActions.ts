/**
 * The reads with which Lambda's poller consumes an event source mapping's source, using the function's role: a
 * queue's messages, a stream's records. A function doing these on its own trigger source is how the trigger works
 * (the records are delivered to it anyway), not reach to report. A table keyed by the source ARN's service.
 */
export const POLL_ACTIONS: Record<string, readonly string[]> = {
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  kinesis: [
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:ListShards',
    'kinesis:ListStreams',
    'kinesis:SubscribeToShard',
  ],
  dynamodb: [
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:DescribeStream',
    'dynamodb:ListStreams',
  ],
};

/**
 * Whether `resource` is the polled source or a part the poller reads: a DynamoDB trigger's source is its table and
 * the records are read from `<table>/stream/<label>`; Kinesis enhanced fan-out reads through `<stream>/consumer/...`.
 */
export function isPolledResource(source: string, resource: string): boolean {
  return (
    resource === source ||
    resource.startsWith(`${source}/stream/`) ||
    resource.startsWith(`${source}/consumer/`)
  );
}
