import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, importCfn, policy, statements, triggersTo } from './fixture.js';

describe('plain CloudFormation wiring', () => {
  const estate = importCfn('cfn-wiring.yaml');
  const handler = arn.fn('handler');
  const other = arn.fn('Other');

  it('a function runs as its Role; a function without FunctionName is named by its logical id', () => {
    expect(estate.functions.map((f) => [f.id, f.identity])).toEqual([
      [handler, arn.role('fn-role')],
      [other, arn.role('fn-role')],
    ]);
  });

  it('an event source mapping on a DynamoDB stream triggers on writes to the table', () => {
    expect(triggersTo(estate, handler)).toContainEqual(
      expect.objectContaining({
        kind: 'stream',
        source: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`,
      }),
    );
  });

  it('a mapping on an alias triggers the function, a disabled mapping does not', () => {
    const queues = triggersTo(estate, handler).filter((t) => t.kind === 'queue');
    expect(queues.map((t) => t.source)).toEqual(['arn:aws:sqs:eu-west-1:210987654321:external']);
  });

  it('S3 Lambda notifications, SNS subscriptions and EventBridge rule targets trigger functions; hops to queues do not', () => {
    expect(triggersTo(estate, handler).map((t) => `${t.kind} ${t.source} ${t.firedBy.join(',')}`)).toEqual([
      `stream arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem,dynamodb:BatchWriteItem`,
      'queue arn:aws:sqs:eu-west-1:210987654321:external sqs:SendMessage',
      'object-store arn:aws:s3:::photos s3:PutObject',
      `topic arn:aws:sns:us-east-1:${ACCOUNT}:alarms sns:Publish`,
      `event-bus arn:aws:events:us-east-1:${ACCOUNT}:event-bus/billing events:PutEvents`,
      `http arn:aws:execute-api:us-east-1:${ACCOUNT}:Api/*/GET/items/* execute-api:Invoke`,
      `http arn:aws:execute-api:us-east-1:${ACCOUNT}:HttpApi/*/POST/orders execute-api:Invoke`,
    ]);
    expect(estate.triggers.some((t) => t.target.includes(':sqs:'))).toBe(false);
  });

  it('a schedule rule, a URL without auth and a public method reach the other function with no action', () => {
    expect(triggersTo(estate, other).map((t) => `${t.kind} ${t.source} [${t.firedBy.join(',')}]`)).toEqual([
      `topic arn:aws:sns:us-east-1:${ACCOUNT}:alarms [sns:Publish]`,
      `schedule arn:aws:events:us-east-1:${ACCOUNT}:rule/cron []`,
      `http ${other} []`,
      `http arn:aws:execute-api:us-east-1:${ACCOUNT}:Api/*/*/items []`,
    ]);
  });

  it('Lambda::Permission becomes a resource policy statement on the function', () => {
    expect(policy(estate, `${handler}#permission/PhotosInvoke`)).toMatchObject({
      type: 'resource',
      attachedTo: handler,
      name: 'PhotosInvoke',
    });
    expect(statements(policy(estate, `${handler}#permission/PhotosInvoke`))).toEqual([
      {
        Sid: 'PhotosInvoke',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: handler,
        Condition: {
          ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::photos' },
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
        },
      },
    ]);
    expect(statements(policy(estate, `${handler}#permission/PartnerInvoke`))[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Resource: `${handler}:live`,
    });
  });

  it('EventInvokeConfig and DeadLetterConfig give the function its destinations', () => {
    expect(estate.functions[0]!.destinations).toEqual([
      `arn:aws:sqs:us-east-1:${ACCOUNT}:Dlq`,
      other,
      `arn:aws:sns:us-east-1:${ACCOUNT}:alarms`,
    ]);
  });

  it('queue, topic and bucket policies attach to each resource they name', () => {
    expect(policy(estate, `arn:aws:sqs:us-east-1:${ACCOUNT}:Dlq#policy/DlqPolicy`)).toMatchObject({
      type: 'resource',
      attachedTo: `arn:aws:sqs:us-east-1:${ACCOUNT}:Dlq`,
    });
    expect(policy(estate, `arn:aws:sns:us-east-1:${ACCOUNT}:alarms#policy/AlarmsPolicy`).attachedTo).toBe(
      `arn:aws:sns:us-east-1:${ACCOUNT}:alarms`,
    );
    expect(statements(policy(estate, 'arn:aws:s3:::photos#policy/PhotosPolicy'))[0]).toMatchObject({
      Effect: 'Deny',
      Resource: 'arn:aws:s3:::photos/*',
    });
  });

  it('declares APIs, queues, tables, topics and buckets as resources', () => {
    expect(estate.resources.map((r) => `${r.service}:${r.name}`).sort()).toEqual(
      [
        'dynamodb:ledger',
        'events:billing',
        'execute-api:Api',
        'execute-api:HttpApi',
        's3:photos',
        'sns:alarms',
        'sqs:Dlq',
        'sqs:external',
      ].sort(),
    );
    expect(estate.errors).toEqual([]);
  });
});
