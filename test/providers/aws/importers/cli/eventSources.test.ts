import { describe, expect, it } from 'vitest';
import {
  bucketNotificationsImporter,
  eventSourceMappingsImporter,
  listRulesImporter,
  listTargetsByRuleImporter,
  snsSubscriptionsImporter,
} from '../../../../../src/providers/aws/importers/cli/index.js';
import { fixture, inline, OPTIONS } from './fixtureInput.js';

const A = '111122223333';
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${A}:function:${name}`;
const edges = (triggers: { kind: string; source: string; target: string; firedBy: string[] }[]) =>
  triggers.map((t) => ({ kind: t.kind, source: t.source, target: t.target, firedBy: t.firedBy }));

describe('lambda list-event-source-mappings', () => {
  const input = fixture('cli/list-event-source-mappings.json');
  const estate = eventSourceMappingsImporter.import(input, OPTIONS);

  it('turns queue, DynamoDB stream and Kinesis mappings into triggers; a table stream is sourced at its table', () => {
    expect(eventSourceMappingsImporter.detect(input)).toBe(true);
    expect(edges(estate.triggers)).toEqual([
      {
        kind: 'queue',
        source: `arn:aws:sqs:eu-west-1:${A}:orders-queue`,
        target: fn('orders-fn'),
        firedBy: ['sqs:SendMessage'],
      },
      {
        kind: 'stream',
        source: `arn:aws:dynamodb:eu-west-1:${A}:table/Orders`,
        target: fn('audit-fn'),
        firedBy: [
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
      },
      {
        kind: 'stream',
        source: `arn:aws:kinesis:eu-west-1:${A}:stream/clicks`,
        target: fn('thumbs'),
        firedBy: ['kinesis:PutRecord', 'kinesis:PutRecords'],
      },
    ]);
    expect(estate.triggers[1]?.location).toEqual({ file: input.file, path: 'EventSourceMappings[1]' });
  });

  it('adds the sources as resources', () => {
    expect(estate.resources.map((r) => [r.service, r.type, r.name])).toEqual([
      ['sqs', 'queue', 'orders-queue'],
      ['dynamodb', 'table', 'Orders'],
      ['kinesis', 'stream', 'clicks'],
    ]);
  });

  it('notes disabled and unmodelled mappings and reports a broken one', () => {
    expect(estate.errors.map((e) => [e.location, e.message])).toEqual([
      ['EventSourceMappings[3]', expect.stringMatching(/^.*old-queue is Disabled; no trigger/)],
      ['EventSourceMappings[4]', expect.stringMatching(/^.*kafka.* not modelled/)],
      ['EventSourceMappings[5]', 'FunctionArn not-an-arn is not a Lambda function ARN'],
    ]);
  });

  it('reads a single get-event-source-mapping output', () => {
    const single = inline('esm.json', {
      UUID: 'u',
      EventSourceArn: `arn:aws:sqs:eu-west-1:${A}:q`,
      FunctionArn: fn('f'),
      State: 'Enabled',
    });
    expect(eventSourceMappingsImporter.detect(single)).toBe(true);
    expect(eventSourceMappingsImporter.import(single, OPTIONS).triggers).toHaveLength(1);
  });
});

describe('sns list-subscriptions', () => {
  const input = fixture('cli/list-subscriptions.json');
  const estate = snsSubscriptionsImporter.import(input, OPTIONS);

  it('turns lambda subscriptions into topic triggers fired by Publish', () => {
    expect(snsSubscriptionsImporter.detect(input)).toBe(true);
    expect(edges(estate.triggers)).toEqual([
      {
        kind: 'topic',
        source: `arn:aws:sns:eu-west-1:${A}:order-events`,
        target: fn('orders-fn'),
        firedBy: ['sns:Publish'],
      },
    ]);
    expect(estate.resources.map((r) => r.id)).toEqual([`arn:aws:sns:eu-west-1:${A}:order-events`]);
  });

  it('notes a topic → queue subscription and ignores e-mail', () => {
    expect(estate.errors).toEqual([
      expect.objectContaining({
        location: 'Subscriptions[1]',
        message: expect.stringContaining('topic'),
      }),
    ]);
  });
});

describe('s3api get-bucket-notification-configuration', () => {
  const input = fixture('cli/get-bucket-notification-configuration/uploads-bkt.json');
  const estate = bucketNotificationsImporter.import(input, OPTIONS);

  it("takes the bucket from the file's base name and picks the trigger rule by the Events", () => {
    expect(bucketNotificationsImporter.detect(input)).toBe(true);
    expect(estate.resources.map((r) => r.id)).toEqual(['arn:aws:s3:::uploads-bkt']);
    expect(edges(estate.triggers)).toEqual([
      {
        kind: 'object-store',
        source: 'arn:aws:s3:::uploads-bkt',
        target: fn('thumbs'),
        firedBy: ['s3:PutObject'],
      },
      {
        kind: 'object-store',
        source: 'arn:aws:s3:::uploads-bkt',
        target: fn('audit-fn'),
        firedBy: ['s3:DeleteObject'],
      },
      {
        kind: 'object-store',
        source: 'arn:aws:s3:::uploads-bkt',
        target: fn('report-fn'),
        firedBy: ['s3:PutObject', 's3:DeleteObject'],
      },
    ]);
  });

  it('notes events and deliveries it does not model', () => {
    expect(estate.errors.map((e) => e.location)).toEqual([
      'LambdaFunctionConfigurations[2].Events',
      'QueueConfigurations[0]',
      'EventBridgeConfiguration',
    ]);
    expect(estate.errors.every((e) => e.severity === 'info')).toBe(true);
  });
});

describe('events list-rules and list-targets-by-rule', () => {
  it('gives each rule as a rule resource whose ARN names its bus, and the buses', () => {
    const input = fixture('cli/list-rules.json');
    expect(listRulesImporter.detect(input)).toBe(true);
    const estate = listRulesImporter.import(input, OPTIONS);
    expect(estate.resources.map((r) => [r.type, r.id, r.name])).toEqual([
      ['event-bus', `arn:aws:events:eu-west-1:${A}:event-bus/orders-bus`, 'orders-bus'],
      ['rule', `arn:aws:events:eu-west-1:${A}:rule/orders-bus/order-placed`, 'order-placed'],
      ['event-bus', `arn:aws:events:eu-west-1:${A}:event-bus/default`, 'default'],
      ['rule', `arn:aws:events:eu-west-1:${A}:rule/nightly-report`, 'nightly-report'],
      ['rule', `arn:aws:events:eu-west-1:${A}:rule/bad-pattern`, 'bad-pattern'],
    ]);
    expect(estate.errors).toEqual([
      { file: input.file, message: 'EventPattern is not valid JSON', location: 'Rules[2].EventPattern' },
    ]);
  });

  it("sources the function targets at the rule named by the file's base name, on the default bus", () => {
    const input = fixture('cli/list-targets-by-rule/order-placed.json');
    expect(listTargetsByRuleImporter.detect(input)).toBe(true);
    const estate = listTargetsByRuleImporter.import(input, OPTIONS);
    expect(edges(estate.triggers)).toEqual([
      {
        kind: 'event-bus',
        source: `arn:aws:events:eu-west-1:${A}:rule/order-placed`,
        target: fn('orders-fn'),
        firedBy: ['events:PutEvents'],
      },
    ]);
    expect(estate.errors.map((e) => e.location)).toEqual(['Targets[1]', undefined]);
  });

  it('does not take S3 lifecycle rules for EventBridge rules', () => {
    const lifecycle = inline('lc.json', {
      Rules: [{ ID: 'expire', Status: 'Enabled', Expiration: { Days: 3 } }],
    });
    expect(listRulesImporter.detect(lifecycle)).toBe(false);
  });
});
