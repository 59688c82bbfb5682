import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, importCfn, policy, statements } from './fixture.js';

describe('SAM functions', () => {
  const estate = importCfn('sam-functions.yaml');
  const writerRole = arn.role('WriterRole');

  it('applies Globals.Function and lets the function override them', () => {
    const writer = estate.functions.find((f) => f.name === 'writer')!;
    const reader = estate.functions.find((f) => f.name === 'Reader')!;
    expect(writer).toMatchObject({
      id: arn.fn('writer'),
      runtime: 'nodejs20.x',
      handler: 'app.handler',
      identity: writerRole,
    });
    expect(reader).toMatchObject({ id: arn.fn('Reader'), runtime: 'python3.12', handler: 'app.handler' });
  });

  it('uses the given Role, keeping the declared role path', () => {
    expect(estate.functions.find((f) => f.name === 'Reader')!.identity).toBe(arn.role('ReaderRole', '/app/'));
    expect(
      estate.policies.some(
        (p) => p.attachedTo === arn.role('ReaderRole', '/app/') && p.type === 'permissions-boundary',
      ),
    ).toBe(false);
  });

  it('generates <LogicalId>Role trusting Lambda, with AWSLambdaBasicExecutionRole and the Globals boundary', () => {
    expect(estate.principals.find((p) => p.id === writerRole)).toMatchObject({
      name: 'WriterRole',
      kind: 'role',
    });
    expect(statements(policy(estate, `${writerRole}#trust`))).toEqual([
      { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
    ]);
    expect(
      policy(estate, 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', writerRole).type,
    ).toBe('identity');
    expect(policy(estate, 'arn:aws:iam::aws:policy/PowerUserAccess', writerRole).type).toBe(
      'permissions-boundary',
    );
  });

  it('resolves managed policy short names and ARNs against the AWS managed policy catalogue', () => {
    const s3 = policy(estate, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', writerRole);
    expect(s3).toMatchObject({ type: 'identity', name: 'AmazonS3ReadOnlyAccess' });
    expect(JSON.stringify(s3.document)).toContain('s3:Get*');
    expect(policy(estate, 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess', writerRole).type).toBe(
      'identity',
    );
  });

  it('keeps inline documents as they are, named <Role>Policy<index>', () => {
    expect(statements(policy(estate, `${writerRole}#inline/WriterRolePolicy2`))).toEqual([
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
    ]);
  });

  it('expands SAM policy templates with their parameters resolved', () => {
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
    expect(statements(policy(estate, `${writerRole}#inline/WriterRolePolicy3`))).toEqual([
      {
        Effect: 'Allow',
        Action: expect.arrayContaining([
          'dynamodb:PutItem',
          'dynamodb:GetItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ]),
        Resource: [table, `${table}/index/*`],
      },
    ]);
    expect(statements(policy(estate, `${writerRole}#inline/WriterRolePolicy4`))).toEqual([
      { Effect: 'Allow', Action: ['sqs:SendMessage*'], Resource: [`arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`] },
    ]);
    expect(statements(policy(estate, `${writerRole}#inline/WriterRolePolicy5`))).toEqual([
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:Reader*`],
      },
    ]);
    expect(statements(policy(estate, `${writerRole}#inline/WriterRolePolicy6`))[0]).toMatchObject({
      Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'],
      Resource: ['arn:aws:s3:::uploads', 'arn:aws:s3:::uploads/*'],
    });
    expect(statements(policy(estate, `${writerRole}#inline/WriterRolePolicy7`))[0]).toMatchObject({
      Resource: ['*'],
    });
  });

  it('reports an unknown policy template and imports the rest', () => {
    expect(estate.errors).toEqual([
      expect.objectContaining({
        message:
          "SAM policy template 'NoSuchPolicyTemplate' is not supported; its permissions are not imported",
        location: 'Resources.Writer.Properties.Policies[8] (line 40)',
      }),
    ]);
  });

  it('accepts Policies as a single managed policy name, RolePath, and Tracing adding X-Ray', () => {
    const single = arn.role('SingleRole', '/svc/');
    expect(estate.functions.find((f) => f.name === 'single')!.identity).toBe(single);
    const attached = estate.policies
      .filter((p) => p.attachedTo === single && p.type === 'identity')
      .map((p) => p.id);
    expect(attached.sort()).toEqual(
      [
        'arn:aws:iam::aws:policy/AWSLambdaExecute',
        'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess',
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      ].sort(),
    );
  });
});
