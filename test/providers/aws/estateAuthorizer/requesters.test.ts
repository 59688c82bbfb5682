/**
 * Requesters beyond IAM users: who a trust policy lets assume a role, identity-pool role attachments, and the
 * outside requesters (anonymous, other accounts) that resource policies and public entries let in.
 */
import { describe, expect, it } from 'vitest';
import { parseTemplateText } from '../../../../src/providers/aws/importers/cloudformation/index.js';
import { cloudFormationImporter } from '../../../../src/providers/aws/importers/cloudformation/index.js';
import { DEFAULT_IMPORT_OPTIONS } from '../../../../src/providers/aws/importers/importer.js';
import { createAwsEstateAuthorizer } from '../../../../src/providers/aws/estateAuthorizer/index.js';
import { trustedParties } from '../../../../src/providers/aws/estateAuthorizer/trustedParties.js';

const ACCOUNT = '123456789012';

function importText(text: string) {
  const { value, lines } = parseTemplateText('t.yaml', text);
  return cloudFormationImporter.import(
    { file: 't.yaml', text, parsed: value, lines },
    DEFAULT_IMPORT_OPTIONS,
  );
}

describe('trustedParties', () => {
  const trust = (statement: object) =>
    trustedParties({ Version: '2012-10-17', Statement: [statement] }, ACCOUNT);

  it('keeps a role its own account or anyone may assume, and names other accounts apart', () => {
    expect(trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })).toEqual({
      keepRole: true,
      parties: [],
    });
    expect(trust({ Effect: 'Allow', Principal: '*' }).keepRole).toBe(true);
    expect(
      trust({ Effect: 'Allow', Principal: { AWS: ['999988887777', 'arn:aws:iam::444455556666:user/ci'] } }),
    ).toEqual({
      keepRole: false,
      parties: [
        { name: 'account:999988887777', kind: 'account', account: '999988887777' },
        { name: 'account:444455556666', kind: 'account', account: '444455556666' },
      ],
    });
  });

  it('names Cognito pools with amr, OIDC providers with their subjects, and SAML providers', () => {
    expect(
      trust({
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool-1' },
          'ForAnyValue:StringLike': {
            'cognito-identity.amazonaws.com:amr': ['authenticated', 'unauthenticated'],
          },
        },
      }).parties.map((p) => p.name),
    ).toEqual(['cognito:us-east-1:pool-1 (authenticated)', 'cognito:us-east-1:pool-1 (unauthenticated)']);
    expect(
      trust({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Condition: {
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' },
        },
      }).parties.map((p) => p.name),
    ).toEqual(['web-identity:token.actions.githubusercontent.com (repo:acme/app:ref:refs/heads/main)']);
    expect(
      trust({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` } })
        .parties,
    ).toEqual([{ name: 'saml:Okta', kind: 'federated' }]);
  });

  it('ignores services, Deny statements and NotPrincipal', () => {
    expect(trust({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } })).toEqual({
      keepRole: false,
      parties: [],
    });
    expect(trust({ Effect: 'Deny', Principal: { AWS: '999988887777' } }).parties).toEqual([]);
    expect(trust({ Effect: 'Allow', NotPrincipal: { AWS: '999988887777' } }).parties).toEqual([]);
  });
});

describe('requesters of an AWS estate', () => {
  it('takes identity-pool role attachments as requesters acting with the attached role, named for the pool', () => {
    const estate = importText(`
Resources:
  Pool:
    Type: AWS::Cognito::IdentityPool
    Properties: { AllowUnauthenticatedIdentities: false }
  UserRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: user-role
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
  AdminRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: admin-role
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
  Attachment:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref Pool
      Roles: { authenticated: !GetAtt UserRole.Arn }
      RoleMappings:
        users:
          Type: Rules
          AmbiguousRoleResolution: AuthenticatedRole
          IdentityProvider: cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client
          RulesConfiguration:
            Rules: [{ Claim: 'cognito:groups', MatchType: Contains, Value: admins, RoleARN: !GetAtt AdminRole.Arn }]
`);
    const authorizer = createAwsEstateAuthorizer(estate);
    const requesters = authorizer.requesters();
    expect(requesters.map((r) => [r.name, r.actsAs])).toEqual([
      ['cognito:Pool (authenticated)', `arn:aws:iam::${ACCOUNT}:role/user-role`],
      [
        'cognito:Pool (authenticated, cognito:groups Contains admins)',
        `arn:aws:iam::${ACCOUNT}:role/admin-role`,
      ],
    ]);
    // Ids never look like an IAM ARN, and describe() gives the name back.
    for (const r of requesters) {
      expect(r.id.startsWith('arn:')).toBe(false);
      expect(authorizer.describe(r.id).name).toBe(r.name);
    }
  });

  it('decides for a party with the policies of the role it assumes', () => {
    const estate = importText(`
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: f, Role: arn:aws:iam::${ACCOUNT}:role/fn, Runtime: nodejs20.x, Handler: i.h }
  PartnerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: partner
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: '999988887777' }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: lambda:InvokeFunction, Resource: !GetAtt Fn.Arn }]
`);
    const authorizer = createAwsEstateAuthorizer(estate);
    const [partner] = authorizer.requesters();
    expect(partner?.name).toBe('account:999988887777');
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`;
    expect(authorizer.decide(partner!.id, { resource: fn, action: 'lambda:InvokeFunction' }).decision).toBe(
      'allow',
    );
    expect(authorizer.candidateRequesters({ resource: fn, action: 'lambda:InvokeFunction' })).toEqual([
      partner!.id,
    ]);
  });

  it('lets anonymous in only through public entries and wildcard resource policies', () => {
    const estate = importText(`
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: f, Role: arn:aws:iam::${ACCOUNT}:role/fn, Runtime: nodejs20.x, Handler: i.h }
  Url:
    Type: AWS::Lambda::Url
    Properties: { TargetFunctionArn: !GetAtt Fn.Arn, AuthType: NONE }
`);
    const authorizer = createAwsEstateAuthorizer(estate);
    expect(authorizer.requesters().map((r) => [r.id, r.outside])).toEqual([['requester:anonymous', true]]);
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`;
    const url = { resource: fn, action: 'lambda:InvokeFunctionUrl' };
    expect(authorizer.entryPoints()).toContainEqual({ function: fn, ...url, via: 'http' });
    expect(authorizer.candidateRequesters(url)).toEqual(['requester:anonymous']);
    expect(authorizer.decide('requester:anonymous', url).decision).toBe('allow');
    // Direct invocation is not granted to anyone outside: no resource policy allows it.
    expect(
      authorizer.decide('requester:anonymous', { resource: fn, action: 'lambda:InvokeFunction' }).decision,
    ).toBe('implicit-deny');
  });
});
