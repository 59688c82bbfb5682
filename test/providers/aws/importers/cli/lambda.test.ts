import { describe, expect, it } from 'vitest';
import {
  getFunctionImporter,
  lambdaPolicyImporter,
  listFunctionsImporter,
} from '../../../../../src/providers/aws/importers/cli/index.js';
import { fixture, inline, OPTIONS } from './fixtureInput.js';

const A = '111122223333';
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${A}:function:${name}`;

describe('lambda list-functions', () => {
  const input = fixture('cli/list-functions.json');
  const estate = listFunctionsImporter.import(input, OPTIONS);

  it('reads each function with its execution role as identity', () => {
    expect(listFunctionsImporter.detect(input)).toBe(true);
    expect(estate.functions.slice(0, 2)).toEqual([
      {
        id: fn('orders-fn'),
        name: 'orders-fn',
        cloud: 'aws',
        identity: `arn:aws:iam::${A}:role/service-role/orders-fn-role`,
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        account: A,
        region: 'eu-west-1',
        destinations: [`arn:aws:sqs:eu-west-1:${A}:orders-dlq`],
        source: { file: input.file, path: 'Functions[0]' },
      },
      expect.objectContaining({ id: fn('thumbs'), identity: `arn:aws:iam::${A}:role/thumbs-role` }),
    ]);
  });

  it('builds the ARN of a function listed without one, and reports what it lacks', () => {
    expect(estate.functions[2]).toMatchObject({ id: fn('no-role'), name: 'no-role', runtime: 'python3.12' });
    expect(estate.functions[2]?.identity).toBeUndefined();
    expect(estate.errors).toEqual([
      { file: input.file, message: 'function has no Role (execution role)', location: 'Functions[2]' },
      { file: input.file, message: 'function configuration is not an object', location: 'Functions[3]' },
    ]);
  });

  it('keeps one node for a function listed once per version', () => {
    const first = { FunctionName: 'f', FunctionArn: `${fn('f')}:$LATEST`, Role: 'arn:aws:iam::1:role/a' };
    const second = { FunctionName: 'f', FunctionArn: `${fn('f')}:3`, Role: 'arn:aws:iam::1:role/b' };
    const result = listFunctionsImporter.import(
      inline('versions.json', { Functions: [first, second] }),
      OPTIONS,
    );
    expect(result.functions).toEqual([
      expect.objectContaining({ id: fn('f'), identity: 'arn:aws:iam::1:role/a' }),
    ]);
  });
});

describe('lambda get-function and get-function-configuration', () => {
  it.each([
    ['cli/get-function.json', 'report-fn', 'Configuration'],
    ['cli/get-function-configuration.json', 'audit-fn', undefined],
  ])('reads %s', (file, name, path) => {
    const input = fixture(file);
    expect(getFunctionImporter.detect(input)).toBe(true);
    expect(listFunctionsImporter.detect(input)).toBe(false);
    const estate = getFunctionImporter.import(input, OPTIONS);
    expect(estate.functions).toEqual([
      expect.objectContaining({
        id: fn(name),
        identity: `arn:aws:iam::${A}:role/${name.replace('-fn', '')}-role`,
        source: path ? { file: input.file, path } : { file: input.file },
      }),
    ]);
  });
});

describe('lambda get-policy', () => {
  it('attaches the policy to the function its statements name, without the qualifier, whatever the file is called', () => {
    const input = fixture('cli/get-policy/whatever-name.json');
    expect(lambdaPolicyImporter.detect(input)).toBe(true);
    const estate = lambdaPolicyImporter.import(input, OPTIONS);
    expect(estate.policies).toEqual([
      {
        id: `${fn('thumbs')}#resource-policy`,
        name: 'function policy',
        type: 'resource',
        attachedTo: fn('thumbs'),
        document: (input.parsed as { Policy: string }).Policy,
        source: { file: input.file, path: 'Policy' },
      },
    ]);
    expect(estate.errors).toEqual([]);
  });

  it("takes the function from the file's base name when the statements do not name one", () => {
    const estate = lambdaPolicyImporter.import(fixture('cli/get-policy/report-fn.json'), OPTIONS);
    expect(estate.policies.map((p) => [p.id, p.attachedTo])).toEqual([
      [`${fn('report-fn')}#resource-policy`, fn('report-fn')],
    ]);
  });

  it('builds the base-name ARN in the account and region of the options', () => {
    const estate = lambdaPolicyImporter.import(fixture('cli/get-policy/report-fn.json'), {
      ...OPTIONS,
      account: '444455556666',
      region: 'ap-south-1',
      partition: 'aws-cn',
    });
    expect(estate.policies[0]?.attachedTo).toBe(
      'arn:aws-cn:lambda:ap-south-1:444455556666:function:report-fn',
    );
  });

  it('reports a Policy string that is not JSON and attaches nothing', () => {
    const input = fixture('cli/get-policy/broken-fn.json');
    expect(lambdaPolicyImporter.detect(input)).toBe(true);
    const estate = lambdaPolicyImporter.import(input, OPTIONS);
    expect(estate.policies).toEqual([]);
    expect(estate.errors).toEqual([
      {
        file: input.file,
        message: expect.stringMatching(/^policy document is not valid JSON/),
        location: 'Policy',
      },
    ]);
  });

  it('leaves an S3 get-bucket-policy output (no RevisionId, no function) to others', () => {
    const bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }],
    });
    expect(lambdaPolicyImporter.detect(inline('b.json', { Policy: bucketPolicy }))).toBe(false);
  });
});
