import { describe, expect, it } from 'vitest';
import { emptyEstate, type Estate } from '../../src/model/index.js';
import { buildProfile, findBypassPaths } from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { eventPatternContext, filterCriteriaConditions } from '../../src/providers/aws/estate/index.js';
import { ACCOUNT, arn, withFunction, withResource, withUser } from './estates.js';

const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;

/** U invokes producer, which may put events only with source com.shop.payments; two rules on the default bus. */
function producerEstate(): Estate {
  const estate = emptyEstate();
  withResource(estate, BUS, 'default', 'events', 'event-bus');
  const ledger = withResource(estate, arn.table('ledger'), 'ledger', 'dynamodb', 'table');
  const archive = withResource(estate, arn.table('archive'), 'archive', 'dynamodb', 'table');
  const producer = withFunction(estate, 'producer', [
    {
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: { StringEquals: { 'events:source': 'com.shop.payments' } },
    },
  ]);
  const payments = withFunction(estate, 'payments', [
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: ledger },
  ]);
  const orders = withFunction(estate, 'orders', [
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: archive },
  ]);
  const rule = (target: string, pattern: object) => ({
    cloud: 'aws' as const,
    kind: 'event-bus' as const,
    source: BUS,
    target,
    firedBy: ['events:PutEvents'],
    eventPattern: JSON.stringify(pattern),
  });
  estate.triggers.push(rule(payments, { source: ['com.shop.payments'] }));
  estate.triggers.push(rule(orders, { source: ['com.shop.orders'] }));
  withUser(estate, 'U', [
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: producer },
    { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: [ledger, archive] },
  ]);
  return estate;
}

describe('event patterns', () => {
  it("let a function's PutEvents start only the rules its allowed sources match", () => {
    const estate = producerEstate();
    const authorizer = createAwsEstateAuthorizer(estate);
    const profile = buildProfile(estate, authorizer);
    const edges = profile.graph.get(arn.fn('producer'))!;
    expect(edges.map((e) => [e.to, e.conditions])).toEqual([[arn.fn('payments'), undefined]]);
    const paths = findBypassPaths(profile, authorizer);
    expect(paths.map((p) => [p.holder, p.access.resource, p.conditions])).toEqual([
      [arn.fn('payments'), arn.table('ledger'), []],
    ]);
  });

  it('pin exact source and detail-type values, leave other matchers open, drop aws. sources', () => {
    expect(eventPatternContext('{"source":["com.a","aws.s3"],"detail-type":["X"]}')).toEqual({
      'events:source': ['com.a'],
      'events:detailType': ['X'],
    });
    expect(eventPatternContext('{"source":[{"prefix":"com."}],"detail":{"a":["b"]}}')).toBeUndefined();
    expect(eventPatternContext('not json')).toBeUndefined();
  });
});

describe('filter criteria', () => {
  it('name the filtered fields as conditions', () => {
    expect(
      filterCriteriaConditions(['{"body":{"kind":["refund"]}}', '{"attributes":{"x":["y"]}}'], 'sqs'),
    ).toEqual(['filter:attributes.x', 'filter:body.kind']);
  });

  it('are impossible when no filter can match the source records', () => {
    expect(filterCriteriaConditions(['{"detail":{"kind":["refund"]}}'], 'sqs')).toBe('impossible');
    expect(filterCriteriaConditions(['{"body":{"kind":[]}}'], 'sqs')).toBe('impossible');
    expect(filterCriteriaConditions(['{"dynamodb":{"NewImage":{"s":["x"]}}}'], 'dynamodb')).toEqual([
      'filter:dynamodb.NewImage.s',
    ]);
  });

  it("read Kinesis filters on the record's data", () => {
    expect(filterCriteriaConditions(['{"data":{"kind":["Event"]}}'], 'kinesis')).toEqual([
      'filter:data.kind',
    ]);
  });

  it('keep an unreadable filter as a condition, never drop the trigger for it', () => {
    expect(filterCriteriaConditions(['${unresolved}'], 'sqs')).toEqual(['filter:*']);
  });
});
