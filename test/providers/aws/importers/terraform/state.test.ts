import { describe, expect, it } from 'vitest';
import { terraformImporter as terraform } from '../../../../../src/providers/aws/importers/terraform/index.js';
import { fixture, OPTIONS } from '../cli/fixtureInput.js';

const A = '222233334444';
const R = 'ap-southeast-2';
const ROLE = `arn:aws:iam::${A}:role/app/exec`;
const input = fixture('terraform/app-state.json');
const estate = terraform.import(input, OPTIONS);

describe('terraform state', () => {
  it('is recognised by format_version and values', () => {
    expect(terraform.detect(input)).toBe(true);
  });

  it("takes ids from the state's ARNs, not from the import options", () => {
    expect(estate.principals.map((p) => [p.id, p.name, p.account])).toEqual([
      [ROLE, 'exec', A],
      [`arn:aws:iam::${A}:user/carol`, 'carol', A],
    ]);
    expect(estate.functions).toEqual([
      expect.objectContaining({
        id: `arn:aws:lambda:${R}:${A}:function:api`,
        identity: ROLE,
        account: A,
        region: R,
        destinations: [`arn:aws:sqs:${R}:${A}:api-dlq`],
      }),
    ]);
    expect(estate.resources.map((r) => [r.id, r.name])).toEqual([
      [`arn:aws:sqs:${R}:${A}:jobs`, 'jobs'],
      [`arn:aws:secretsmanager:${R}:${A}:secret:api-key-AbCdEf`, 'api-key'],
    ]);
  });

  it('keeps each attachment once although the state repeats them on the role and on the queue', () => {
    expect(estate.policies.map((p) => [p.type, p.id, p.attachedTo])).toEqual([
      ['permissions-boundary', `arn:aws:iam::${A}:policy/app-boundary`, ROLE],
      ['trust', `${ROLE}#trust`, ROLE],
      ['identity', `${ROLE}#inline/jobs-rw`, ROLE],
      ['identity', `arn:aws:iam::${A}:policy/app-policy`, ROLE],
      ['identity', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', ROLE],
      ['resource', `arn:aws:sqs:${R}:${A}:jobs#resource-policy`, `arn:aws:sqs:${R}:${A}:jobs`],
    ]);
  });

  it('reads a mapping whose function_name is an ARN, as states store it', () => {
    expect(estate.triggers.map((t) => [t.source, t.target])).toEqual([
      [`arn:aws:sqs:${R}:${A}:jobs`, `arn:aws:lambda:${R}:${A}:function:api`],
    ]);
  });

  it('reports a broken managed policy once, and does not attach it', () => {
    expect(estate.errors).toEqual([
      {
        file: input.file,
        message: expect.stringMatching(/^policy document is not valid JSON/),
        location: 'aws_iam_policy.broken.policy',
      },
      expect.objectContaining({
        location: 'aws_iam_user_policy_attachment.carol_broken',
        message: expect.stringMatching(/^.*broken-policy is not attached/),
      }),
      expect.objectContaining({
        location: 'aws_iam_user_policy_attachment.carol_elsewhere',
        message: expect.stringMatching(
          /^.*made-in-console is neither in the input nor a known AWS managed policy/,
        ),
      }),
    ]);
  });
});
