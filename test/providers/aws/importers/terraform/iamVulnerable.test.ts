import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../../../src/providers/aws/authorizer/index.js';
import type { AwsPolicyKind } from '../../../../../src/providers/aws/policy/index.js';
import { terraformImporter as terraform } from '../../../../../src/providers/aws/importers/terraform/index.js';
import { fixture, OPTIONS } from '../cli/fixtureInput.js';

// A hand conversion of three BishopFox/iam-vulnerable files (MIT) into a plan; see the fixture's README.
const A = '777788889999';
const input = fixture('terraform/iam-vulnerable/plan.json');
const estate = terraform.import(input, OPTIONS);
const P16 = 'privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo';

describe('iam-vulnerable as a plan', () => {
  it("takes the account from the plan's caller identity and the region from the provider", () => {
    expect(estate.functions).toEqual([
      expect.objectContaining({
        id: `arn:aws:lambda:us-east-1:${A}:function:test_lambda`,
        identity: `arn:aws:iam::${A}:role/privesc-high-priv-lambda-role2`,
        source: { file: input.file, path: 'module.lambda.aws_lambda_function.test_lambda' },
      }),
    ]);
  });

  it('attaches the high-privilege policy to the lambda role through managed_policy_arns', () => {
    const attached = estate.policies.find(
      (p) =>
        p.attachedTo === `arn:aws:iam::${A}:role/privesc-high-priv-lambda-role2` && p.type === 'identity',
    );
    expect(attached?.id).toBe(`arn:aws:iam::${A}:policy/privesc-high-priv-lambda-policy2`);
    expect(attached?.document).toBe(
      '{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    );
  });

  it('attaches each path policy to its user and its role, in their modules', () => {
    const on = (kind: string, name: string) =>
      estate.policies
        .filter((p) => p.attachedTo === `arn:aws:iam::${A}:${kind}/${name}`)
        .map((p) => [p.type, p.id]);
    expect(on('user', `${P16}-user`)).toEqual([['identity', `arn:aws:iam::${A}:policy/${P16}`]]);
    expect(on('role', `${P16}-role`)).toEqual([
      ['trust', `arn:aws:iam::${A}:role/${P16}-role#trust`],
      ['identity', `arn:aws:iam::${A}:policy/${P16}`],
    ]);
    expect(on('user', 'fp3-deny-iam-user')).toEqual([['identity', `arn:aws:iam::${A}:policy/fp3-deny-iam`]]);
  });

  it('produces documents the authorizer compiles, jsonencode style and empty Sid included', () => {
    const kinds: Record<string, AwsPolicyKind> = { identity: 'identity', trust: 'trust' };
    for (const p of estate.policies) {
      expect(() =>
        compilePolicy({ id: p.id, document: p.document }, kinds[p.type] ?? 'identity', p.type),
      ).not.toThrow();
    }
    expect(estate.policies).toHaveLength(8);
  });

  it('notes only the resource types it does not model', () => {
    expect(estate.errors).toEqual([
      { file: input.file, message: 'resource types not imported: aws_iam_access_key (2)', severity: 'info' },
    ]);
  });
});
