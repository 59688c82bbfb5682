import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, importCfn, policy, statements } from './fixture.js';

describe('IAM resources', () => {
  const estate = importCfn('iam.yaml');
  const alice = `arn:aws:iam::${ACCOUNT}:user/people/alice`;
  const bob = `arn:aws:iam::${ACCOUNT}:user/Bob`;
  const devs = `arn:aws:iam::${ACCOUNT}:group/devs`;
  const app = arn.role('app', '/service/');

  it('users, groups and roles become principals with their paths', () => {
    expect(estate.principals.map((p) => [p.kind, p.id, p.name])).toEqual([
      ['user', alice, 'alice'],
      ['user', bob, 'Bob'],
      ['group', devs, 'devs'],
      ['role', app, 'app'],
    ]);
  });

  it('User Groups and UserToGroupAddition become memberships', () => {
    expect(estate.memberships).toEqual([
      { user: alice, group: devs },
      { user: bob, group: devs },
    ]);
  });

  it('inline policies are `<principal>#inline/<name>`; a boundary is a permissions-boundary attachment', () => {
    expect(statements(policy(estate, `${alice}#inline/no-orders`))[0]).toMatchObject({
      Effect: 'Deny',
      Action: 'dynamodb:*',
    });
    expect(policy(estate, `arn:aws:iam::${ACCOUNT}:policy/boundary`, alice).type).toBe(
      'permissions-boundary',
    );
  });

  it('a customer managed policy attaches under its ARN to each principal naming it or named by it', () => {
    const shared = `arn:aws:iam::${ACCOUNT}:policy/shared/Shared`;
    expect(estate.policies.filter((p) => p.id === shared).map((p) => p.attachedTo)).toEqual([app, bob]);
    expect(policy(estate, `arn:aws:iam::${ACCOUNT}:policy/boundary`, app)).toMatchObject({
      type: 'identity',
      name: 'boundary',
    });
  });

  it('AWS::IAM::Policy and RolePolicy attach inline policies to roles, users and groups by name', () => {
    expect(policy(estate, `${app}#inline/extra`).attachedTo).toBe(app);
    expect(policy(estate, `${devs}#inline/extra`).attachedTo).toBe(devs);
    expect(statements(policy(estate, `${app}#inline/direct`))[0]).toMatchObject({ Action: 'sns:Publish' });
  });

  it('AWS managed policies carry their catalogue document; unknown ones are reported, not guessed', () => {
    expect(JSON.stringify(policy(estate, 'arn:aws:iam::aws:policy/ReadOnlyAccess', devs).document)).toContain(
      'Statement',
    );
    expect(estate.errors.map((e) => [e.message, e.location])).toEqual([
      [
        "AWS managed policy arn:aws:iam::aws:policy/NoSuchPolicyForAres is not in ares's catalogue; its permissions are not imported",
        'Resources.AppRole.Properties.ManagedPolicyArns[2] (line 64)',
      ],
      [
        `managed policy arn:aws:iam::${ACCOUNT}:policy/elsewhere is not declared in this template; its document is unknown`,
        'Resources.AppRole.Properties.ManagedPolicyArns[3] (line 65)',
      ],
    ]);
  });

  it('the trust policy is a trust attachment on the role', () => {
    expect(policy(estate, `${app}#trust`)).toMatchObject({ type: 'trust', attachedTo: app });
  });
});
