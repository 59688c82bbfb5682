import { describe, expect, it } from 'vitest';
import { ACCOUNT, arn, importCfn, policy, statements } from './fixture.js';

const sm = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;

describe('Step Functions state machines', () => {
  const estate = importCfn('state-machines.yaml');

  it('a Task naming a function ARN, or lambda:invoke with FunctionName, makes a state-machine trigger', () => {
    expect(estate.triggers.map((t) => [t.kind, t.source, t.target, t.firedBy])).toEqual([
      ['state-machine', sm('plain'), arn.fn('step'), ['states:StartExecution', 'states:StartSyncExecution']],
      [
        'state-machine',
        sm('plain'),
        arn.fn('notify'),
        ['states:StartExecution', 'states:StartSyncExecution'],
      ],
      [
        'state-machine',
        sm('sam-flow'),
        arn.fn('audit'),
        ['states:StartExecution', 'states:StartSyncExecution'],
      ],
    ]);
  });

  it('state machines are resources', () => {
    expect(estate.resources.map((r) => r.id)).toEqual([sm('plain'), sm('sam-flow'), sm('External')]);
  });

  it('a SAM state machine gets a generated role trusting Step Functions, with its Policies', () => {
    const role = arn.role('SamRole');
    expect(statements(policy(estate, `${role}#trust`))[0]).toMatchObject({
      Principal: { Service: ['states.amazonaws.com'] },
    });
    expect(statements(policy(estate, `${role}#inline/SamRolePolicy0`))[0]).toMatchObject({
      Action: ['lambda:InvokeFunction'],
      Resource: [`${arn.fn('audit')}*`],
    });
  });

  it('reports a definition kept in S3 as an unresolved reference, not an error', () => {
    expect(estate.errors).toEqual([]);
    expect(estate.notices).toEqual([
      expect.objectContaining({
        code: 'unresolved-reference',
        message: expect.stringMatching(
          /^the state machine definition at .*state-machines\.yaml Resources\.External\.Properties\.DefinitionS3Location .* is in S3 \(s3:\/\//,
        ),
      }),
    ]);
  });
});
