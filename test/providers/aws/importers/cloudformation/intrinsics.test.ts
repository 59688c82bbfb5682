import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, importCfn, policy, statements } from './fixture.js';

describe('intrinsic functions', () => {
  const estate = importCfn('intrinsics.yaml');
  const worker = arn.role('nonprod-worker-us-east-1');
  const data = statements(policy(estate, `${worker}#inline/data`));

  it('builds physical names with Sub, Join, Select over a list parameter, FindInMap and Split', () => {
    expect(estate.resources.map((r) => r.id).sort()).toEqual(
      [
        `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/dev-orders`,
        `arn:aws:sqs:us-east-1:${ACCOUNT}:dev-jobs-b`,
        `arn:aws:sns:us-east-1:${ACCOUNT}:dev-alerts`,
        'arn:aws:s3:::uploads-bucket',
      ].sort(),
    );
    expect(estate.resources.find((r) => r.service === 'sqs')).toMatchObject({
      name: 'dev-jobs-b',
      type: 'queue',
    });
  });

  it('skips a resource whose Condition is false and names the role through Fn::If inside Sub', () => {
    expect(estate.resources.some((r) => r.id.endsWith(':prod-only'))).toBe(false);
    expect(estate.principals).toEqual([
      expect.objectContaining({
        id: worker,
        name: 'nonprod-worker-us-east-1',
        kind: 'role',
        account: ACCOUNT,
      }),
    ]);
  });

  it('resolves GetAtt (both forms), Sub with attributes and pseudo parameters, and Ref of a topic to its ARN', () => {
    expect(data[0]!.Resource).toEqual([
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/dev-orders`,
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/dev-orders`,
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/dev-orders/index/*`,
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/dev-orders`,
    ]);
    expect(data[1]!.Resource).toBe(`arn:aws:sqs:us-east-1:${ACCOUNT}:dev-jobs-b`);
    expect(data[2]!.Resource).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:dev-alerts`);
    expect(data[3]!.Resource).toBe('arn:aws:s3:::uploads-bucket/*');
  });

  it('keeps an unresolved ImportValue and parameters without a value as literal text in a policy (no IAM variable), with notices', () => {
    // `${...}` in a Resource would be an IAM policy variable: a conditional grant on whatever the key may hold.
    // `${$}` is IAM's literal dollar, so the Resource names the unknown text itself.
    expect(data[4]!.Resource).toBe('${$}{ImportValue:shared-table-arn}');
    expect(data[5]!.Resource).toBe(`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/\${$}{Owner}/\${$}{Secret}`);
    const notices = estate.notices.filter((n) => n.code === 'unresolved-reference');
    expect(notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Fn::ImportValue 'shared-table-arn' names no export"),
        expect.stringContaining("parameter 'Secret' takes its value from SSM parameter"),
        expect.stringContaining("parameter 'Owner' has no Default"),
      ]),
    );
  });

  it('evaluates GetAZs, Select, Equals/Not/And/Or conditions and drops AWS::NoValue', () => {
    expect(data[6]!.Condition).toEqual({
      StringEquals: {
        'ec2:AvailabilityZone': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        'aws:RequestTag/zone': 'eu-west-1a',
      },
    });
    expect(data[7]).toEqual({ Effect: 'Allow', Action: 'logs:*', Resource: '*' });
  });

  it('takes the true branch of an undecidable condition and says so', () => {
    expect(data[8]!.Resource).toBe('arn:aws:s3:::owned/*');
    expect(estate.errors).toEqual([
      expect.objectContaining({
        message: "condition 'OwnerKnown' depends on values unknown before deployment; taken as true",
        location: expect.stringMatching(
          /^Resources\.Worker\.Properties\.Policies\[0\]\.PolicyDocument\.Statement\[8\]\.Resource\.Fn::If \(line \d+\)$/,
        ),
      }),
    ]);
  });

  it('applies --param values over defaults', () => {
    const prod = importCfn('intrinsics.yaml', { params: { Env: 'prod', Owner: 'alice' } });
    expect(prod.resources.map((r) => r.name).sort()).toEqual([
      'prod-alerts',
      'prod-jobs-b',
      'prod-only',
      'prod-orders',
      'uploads-bucket',
    ]);
    expect(prod.principals[0]!.name).toBe('prod-worker-us-east-1');
    expect(prod.errors).toEqual([]);
  });

  it('uses the account, region and partition it is given', () => {
    const other = importCfn('intrinsics.yaml', {
      account: '210987654321',
      region: 'eu-central-1',
      partition: 'aws-cn',
    });
    expect(other.resources.map((r) => r.id)).toContain(
      'arn:aws-cn:dynamodb:eu-central-1:210987654321:table/dev-orders',
    );
  });

  it('records where each resource is declared', () => {
    const table = estate.resources.find((r) => r.service === 'dynamodb')!;
    expect(table.source).toEqual({
      file: expect.stringMatching(/intrinsics\.yaml$/),
      path: 'Resources.Orders',
      line: 31,
    });
  });
});
