import { describe, expect, it } from 'vitest';
import { accountAuthorizationDetailsImporter as gaad } from '../../../../../src/providers/aws/importers/cli/index.js';
import { decodePolicyDocument } from '../../../../../src/providers/aws/policy/index.js';
import { fixture, OPTIONS } from './fixtureInput.js';

const A = '111122223333';
const ALICE = `arn:aws:iam::${A}:user/alice`;
const DEVS = `arn:aws:iam::${A}:group/teams/devs`;
const ORDERS_ROLE = `arn:aws:iam::${A}:role/service-role/orders-fn-role`;
const CI_ROLE = `arn:aws:iam::${A}:role/ci-deployer`;
const DENY_ORDERS = `arn:aws:iam::${A}:policy/guard/DenyOrdersTable`;
const BOUNDARY = `arn:aws:iam::${A}:policy/DevBoundary`;

describe.each(['account-cli.json', 'account-sdk.json'])('get-account-authorization-details (%s)', (name) => {
  const input = fixture(`cli/get-account-authorization-details/${name}`);
  const estate = gaad.import(input, OPTIONS);

  it('is recognised by its content', () => {
    expect(gaad.detect(input)).toBe(true);
  });

  it('reads users, groups and roles as principals with ARN ids, short names and JSON paths', () => {
    expect(estate.principals.map((p) => [p.kind, p.id, p.name])).toEqual([
      ['group', DEVS, 'devs'],
      ['user', ALICE, 'alice'],
      ['role', ORDERS_ROLE, 'orders-fn-role'],
      ['role', CI_ROLE, 'ci-deployer'],
    ]);
    expect(estate.principals.find((p) => p.id === ORDERS_ROLE)).toMatchObject({
      account: A,
      source: { file: `exports/cli/get-account-authorization-details/${name}`, path: 'RoleDetailList[0]' },
    });
  });

  it('attaches inline policies as <owner>#inline/<name> and passes the document through as found', () => {
    const inline = estate.policies.find((p) => p.id === `${ORDERS_ROLE}#inline/orders-rw`);
    expect(inline).toMatchObject({ name: 'orders-rw', type: 'identity', attachedTo: ORDERS_ROLE });
    expect(typeof inline?.document).toBe(name === 'account-sdk.json' ? 'string' : 'object');
    expect(decodePolicyDocument(inline?.document, 'doc')).toMatchObject({
      Statement: [{ Action: ['dynamodb:PutItem', 'dynamodb:GetItem'] }],
    });
  });

  it('attaches a customer managed policy to each principal with its default version', () => {
    const attachments = estate.policies.filter((p) => p.id === DENY_ORDERS);
    expect(attachments.map((p) => [p.type, p.attachedTo])).toEqual([
      ['identity', ALICE],
      ['identity', CI_ROLE],
    ]);
    expect(decodePolicyDocument(attachments[0]?.document, 'doc')).toMatchObject({
      Statement: [{ Sid: 'NoDirectOrders', Effect: 'Deny' }],
    });
  });

  it('reads permission boundaries from the export', () => {
    const boundaries = estate.policies.filter((p) => p.type === 'permissions-boundary');
    expect(boundaries.map((p) => [p.id, p.attachedTo])).toEqual([
      [BOUNDARY, ALICE],
      [BOUNDARY, CI_ROLE],
    ]);
  });

  it('takes AWS managed policy documents the export lacks from the catalogue', () => {
    const basic = estate.policies.find(
      (p) => p.id === 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
    expect(basic).toMatchObject({ name: 'AWSLambdaBasicExecutionRole', attachedTo: ORDERS_ROLE });
    expect(JSON.stringify(basic?.document)).toContain('logs:CreateLogGroup');
    expect(
      estate.policies.some((p) => p.id.endsWith('AWSLambda_ReadOnlyAccess') && p.attachedTo === DEVS),
    ).toBe(true);
  });

  it('attaches each role its trust policy', () => {
    const trust = estate.policies.filter((p) => p.type === 'trust');
    expect(trust.map((p) => [p.id, p.attachedTo])).toEqual([
      [`${ORDERS_ROLE}#trust`, ORDERS_ROLE],
      [`${CI_ROLE}#trust`, CI_ROLE],
    ]);
  });

  it("reads group memberships from users' GroupList, with the group's path when the export has it", () => {
    expect(estate.memberships).toEqual([
      { user: ALICE, group: DEVS },
      { user: ALICE, group: `arn:aws:iam::${A}:group/contractors` },
    ]);
  });

  it('records no errors', () => {
    expect(estate.errors).toEqual([]);
  });
});

describe('get-account-authorization-details with broken entries', () => {
  const input = fixture('cli/get-account-authorization-details/broken.json');
  const estate = gaad.import(input, OPTIONS);

  it('reports a trust policy that is not JSON, and still imports the role and the rest', () => {
    expect(estate.errors).toContainEqual({
      file: input.file,
      message: expect.stringContaining('policy document is not valid JSON'),
      location: 'RoleDetailList[1].AssumeRolePolicyDocument',
    });
    expect(estate.principals.map((p) => p.name)).toContain('ci-deployer');
    expect(estate.policies.some((p) => p.type === 'trust' && p.attachedTo === CI_ROLE)).toBe(false);
    expect(estate.policies.some((p) => p.id === DENY_ORDERS && p.attachedTo === CI_ROLE)).toBe(true);
  });

  it('reports a customer managed policy the export does not include, and leaves it unattached', () => {
    expect(estate.errors).toContainEqual({
      file: input.file,
      message: expect.stringContaining(`arn:aws:iam::${A}:policy/NotExported is not in the export`),
      location: 'RoleDetailList[0].AttachedManagedPolicies[1]',
    });
    expect(estate.policies.some((p) => p.id.endsWith('NotExported'))).toBe(false);
  });

  it('reports an entry without a name', () => {
    expect(estate.errors).toContainEqual({
      file: input.file,
      message: 'entry has no UserName',
      location: 'UserDetailList[1]',
    });
    expect(estate.errors).toHaveLength(3);
  });
});
