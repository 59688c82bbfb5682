import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, importCfn, policy, statements, triggersTo } from './fixture.js';

const api = (id: string, rest: string) => `arn:aws:execute-api:us-east-1:${ACCOUNT}:${id}/*/${rest}`;

describe('SAM events', () => {
  const estate = importCfn('sam-events.yaml');

  it('SQS, SNS, DynamoDB and Kinesis events trigger on writes to the source', () => {
    expect(triggersTo(estate, arn.fn('on-queue'))).toEqual([
      expect.objectContaining({
        kind: 'queue',
        source: `arn:aws:sqs:us-east-1:${ACCOUNT}:inbox`,
        firedBy: ['sqs:SendMessage'],
      }),
    ]);
    expect(triggersTo(estate, arn.fn('on-topic'))).toEqual([
      expect.objectContaining({
        kind: 'topic',
        source: `arn:aws:sns:us-east-1:${ACCOUNT}:news`,
        firedBy: ['sns:Publish'],
      }),
    ]);
    expect(triggersTo(estate, arn.fn('on-streams')).map((t) => [t.source, t.firedBy])).toEqual([
      [
        `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/events`,
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      ],
      [`arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/clicks`, ['kinesis:PutRecord', 'kinesis:PutRecords']],
    ]);
  });

  it('adds the poller managed policy SAM gives a generated role', () => {
    expect(
      policy(
        estate,
        'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
        arn.role('OnQueueRole'),
      ).type,
    ).toBe('identity');
  });

  it('S3 events map created, removed and mixed event names, reporting others', () => {
    expect(triggersTo(estate, arn.fn('on-upload')).map((t) => t.firedBy)).toEqual([
      ['s3:PutObject'],
      ['s3:DeleteObject'],
      ['s3:PutObject', 's3:DeleteObject'],
    ]);
    expect(triggersTo(estate, arn.fn('on-upload'))[0]).toMatchObject({
      kind: 'object-store',
      source: 'arn:aws:s3:::photos',
      location: expect.objectContaining({
        path: 'Resources.OnUpload.Properties.Events.Created',
        line: expect.any(Number),
      }),
    });
    expect(estate.errors).toContainEqual(
      expect.objectContaining({ message: 'S3 event types s3:ObjectTagging:* are not modelled as triggers' }),
    );
  });

  it('adds the function permission SAM creates for a push source', () => {
    expect(statements(policy(estate, `${arn.fn('on-upload')}#permission/OnUploadCreatedPermission`))).toEqual(
      [
        {
          Sid: 'OnUploadCreatedPermission',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: arn.fn('on-upload'),
          Condition: {
            ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::photos' },
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
          },
        },
      ],
    );
  });

  it('EventBridge rules trigger on PutEvents to their bus, except patterns only AWS services can match', () => {
    const [orders, ec2, nightly] = triggersTo(estate, arn.fn('on-events'));
    expect(orders).toMatchObject({
      kind: 'event-bus',
      source: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders-bus`,
      firedBy: ['events:PutEvents'],
    });
    expect(ec2).toMatchObject({
      kind: 'event-bus',
      source: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`,
      firedBy: [],
    });
    expect(nightly).toMatchObject({
      kind: 'schedule',
      source: `arn:aws:events:us-east-1:${ACCOUNT}:rule/OnEventsNightly`,
      firedBy: [],
    });
  });

  it('API events use IAM auth from the event, or from the API default authorizer; others are reachable without IAM', () => {
    const byPath = Object.fromEntries(
      triggersTo(estate, arn.fn('on-api')).map((t) => [t.location!.path!.split('.').pop(), t]),
    );
    expect(byPath.Public).toMatchObject({
      kind: 'http',
      source: api('ServerlessRestApi', 'GET/items/*'),
      firedBy: [],
    });
    expect(byPath.Signed).toMatchObject({
      source: api('ServerlessRestApi', 'POST/items'),
      firedBy: ['execute-api:Invoke'],
    });
    expect(byPath.PrivateDefault).toMatchObject({
      source: api('PrivateApi', '*/admin'),
      firedBy: ['execute-api:Invoke'],
    });
    expect(byPath.PrivateButOpen).toMatchObject({ source: api('PrivateApi', 'GET/health'), firedBy: [] });
    expect(byPath.Http).toMatchObject({
      source: api('IamHttpApi', 'GET/report'),
      firedBy: ['execute-api:Invoke'],
    });
    expect(byPath.HttpImplicit).toMatchObject({ source: api('ServerlessHttpApi', '$default'), firedBy: [] });
  });

  it('a function URL with AWS_IAM needs lambda:InvokeFunctionUrl; with NONE anyone may call it', () => {
    expect(triggersTo(estate, arn.fn('with-url'))).toEqual([
      expect.objectContaining({
        kind: 'http',
        source: arn.fn('with-url'),
        firedBy: ['lambda:InvokeFunctionUrl'],
      }),
    ]);
    expect(triggersTo(estate, arn.fn('public-url'))).toEqual([
      expect.objectContaining({ source: arn.fn('public-url'), firedBy: [] }),
    ]);
    expect(
      statements(policy(estate, `${arn.fn('public-url')}#permission/PublicUrlUrlPublicPermissions`))[0],
    ).toMatchObject({
      Principal: '*',
      Action: 'lambda:InvokeFunctionUrl',
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    });
  });

  it('EventInvokeConfig destinations and the dead-letter queue become destinations, with the grants SAM adds', () => {
    const withUrl = estate.functions.find((f) => f.name === 'with-url')!;
    expect(withUrl.destinations).toEqual([
      `arn:aws:sqs:us-east-1:${ACCOUNT}:inbox`,
      arn.fn('on-queue'),
      `arn:aws:sns:us-east-1:${ACCOUNT}:news`,
    ]);
    expect(
      statements(policy(estate, `${arn.role('WithUrlRole')}#inline/WithUrlEventInvokeConfigOnFailurePolicy`)),
    ).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arn.fn('on-queue') }]);
    const created = `arn:aws:sqs:us-east-1:${ACCOUNT}:PublicUrlEventInvokeConfigOnFailureQueue`;
    expect(estate.functions.find((f) => f.name === 'public-url')!.destinations).toEqual([created]);
    expect(estate.resources.map((r) => r.id)).toContain(created);
  });

  it('reports event types ares does not model', () => {
    expect(estate.errors).toContainEqual({
      file: expect.stringMatching(/sam-events\.yaml$/),
      message: 'event type MSK is not modelled as a trigger',
      severity: 'info',
      location: expect.stringMatching(/^Resources\.OnStreams\.Properties\.Events\.Kafka \(line \d+\)$/),
    });
  });
});
