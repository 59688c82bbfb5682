/**
 * Policy Resource patterns against a resource that stands for generated names (`stack-Table-*`): covers all of
 * them, some, or none; and the authorizer's answer for each (allow/deny, conditional, no match).
 */
import { describe, expect, it } from 'vitest';
import {
  ArnPattern,
  authorize,
  compilePolicySet,
  toArnValue,
} from '../../../src/providers/aws/authorizer/index.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table-*';
const relate = (policy: string, resource = TABLE) =>
  new ArnPattern(policy, true).relate(toArnValue(resource, true), () => undefined);

describe('a policy Resource against generated names', () => {
  it.each([
    ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table-*', 'all'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-*', 'all'],
    ['arn:aws:dynamodb:*:*:table/*', 'all'],
    ['*', 'all'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table-1A2B3C', 'some'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table-A*', 'some'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/*-Table-?????', 'some'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/other-*', 'none'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table', 'none'],
    ['arn:aws:dynamodb:eu-west-1:123456789012:table/shop-*', 'none'],
    // A generated suffix holds no slash: an index ARN is never the table itself.
    ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table-x/index/*', 'none'],
    ['arn:aws:sqs:us-east-1:123456789012:shop-Table-*', 'none'],
  ])('%s covers %s', (policy, expected) => {
    expect(relate(policy)).toBe(expected);
  });

  it('lets an S3 object key after a generated bucket name hold anything', () => {
    const objects = 'arn:aws:s3:::shop-bucket-*/*';
    expect(relate('arn:aws:s3:::shop-bucket-*/*', objects)).toBe('all');
    expect(relate('arn:aws:s3:::shop-*', objects)).toBe('all');
    expect(relate('arn:aws:s3:::shop-bucket-*/uploads/*', objects)).toBe('some');
    expect(relate('arn:aws:s3:::other/*', objects)).toBe('none');
  });

  it('leaves a pattern with a variable the request does not set undecided', () => {
    expect(relate('arn:aws:dynamodb:us-east-1:123456789012:table/${aws:username}-*')).toBeUndefined();
  });

  const decide = (effect: 'Allow' | 'Deny', resource: string) =>
    authorize(
      {
        principal: 'arn:aws:iam::123456789012:user/u',
        action: 'dynamodb:PutItem',
        resource: TABLE,
        resourceIsPattern: true,
      },
      compilePolicySet({
        identityPolicies: [
          {
            id: 'p',
            document: {
              Version: '2012-10-17',
              Statement: [
                ...(effect === 'Deny' ? [{ Effect: 'Allow', Action: '*', Resource: '*' }] : []),
                { Effect: effect, Action: 'dynamodb:PutItem', Resource: resource },
              ],
            },
          },
        ],
      }),
    );

  it('applies a Deny that covers every name, and only possibly one that covers some', () => {
    expect(decide('Deny', 'arn:aws:dynamodb:*:*:table/shop-*').decision).toBe('explicit-deny');
    const partial = decide('Deny', 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-Table-XYZ');
    expect(partial).toMatchObject({
      decision: 'conditional',
      possibleDecisions: expect.arrayContaining(['explicit-deny', 'allow']),
      missingContextKeys: ['generated name of table/shop-Table-*'],
    });
    expect(decide('Deny', 'arn:aws:dynamodb:*:*:table/other-*').decision).toBe('allow');
  });

  it('allows for certain only when the Allow covers every name', () => {
    expect(decide('Allow', 'arn:aws:dynamodb:*:*:table/shop-Table-*').decision).toBe('allow');
    expect(decide('Allow', 'arn:aws:dynamodb:*:*:table/shop-Table-XYZ').decision).toBe('conditional');
    expect(decide('Allow', 'arn:aws:dynamodb:*:*:table/other-*').decision).toBe('implicit-deny');
  });

  it('matches a concrete ARN exactly as before (no pattern flag): a literal star is just text', () => {
    const concrete = authorize(
      { principal: 'arn:aws:iam::123456789012:user/u', action: 'dynamodb:PutItem', resource: TABLE },
      compilePolicySet({
        identityPolicies: [
          {
            id: 'p',
            document: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: `${TABLE.slice(0, -1)}XYZ` },
              ],
            },
          },
        ],
      }),
    );
    expect(concrete.decision).toBe('implicit-deny');
  });
});
