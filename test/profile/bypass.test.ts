import { describe, expect, it } from 'vitest';
import { emptyEstate } from '../../src/model/index.js';
import { buildProfile, findBypassPaths, ReachClosure } from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { bypassFindings, renderPath } from '../../src/findings/index.js';
import type { Estate } from '../../src/model/index.js';
import { arn, chainEstate, figureOneEstate, withFunction, withResource, withUser } from './estates.js';

function scan(estate: Estate, includeImplicit = false) {
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const paths = findBypassPaths(profile, authorizer, { includeImplicit });
  const functions = new Map(estate.functions.map((f) => [f.id, f]));
  return { profile, findings: bypassFindings(paths, authorizer, functions), authorizer };
}

describe('bypass search', () => {
  it('finds Fig. 1: U, denied PutItem on DB-1, writes it through X', () => {
    const { findings } = scan(figureOneEstate());
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      kind: 'privilege-bypass',
      severity: 'high',
      denial: 'explicit',
      principal: { name: 'U' },
      entry: { name: 'X' },
      resource: { name: 'DB-1' },
      actions: ['dynamodb:PutItem'],
    });
    expect(renderPath(finding!.path)).toBe('U -invoke-> X -dynamodb:PutItem-> DB-1');
    expect(finding!.denialReasons).toEqual([expect.objectContaining({ sid: 'NoDb1Writes', effect: 'Deny' })]);
  });

  it('reports nothing for V, who may write DB-1 directly', () => {
    const { findings } = scan(figureOneEstate());
    expect(findings.some((f) => f.principal.name === 'V')).toBe(false);
  });

  it('follows user → queue → function → topic → function → table', () => {
    const { findings } = scan(chainEstate());
    expect(findings.map((f) => renderPath(f.path))).toEqual([
      'mallory -sqs:SendMessage-> orders -trigger-> order-consumer -sns:Publish-> order-events -trigger-> ledger-writer -dynamodb:PutItem-> ledger',
    ]);
    expect(findings[0]!.actions).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('gives stable ids across rescans', () => {
    const first = scan(chainEstate()).findings.map((f) => f.id);
    const second = scan(chainEstate()).findings.map((f) => f.id);
    expect(first).toEqual(second);
    expect(first[0]).toMatch(/^ARES-[0-9a-f]{16}$/);
  });

  it('classifies a permissions boundary that excludes the access as a guardrail denial', () => {
    const estate = figureOneEstate();
    const u = arn.user('U');
    estate.policies = estate.policies.filter((p) => p.attachedTo !== u);
    estate.policies.push({
      id: `${u}#inline/p`,
      name: 'p',
      type: 'identity',
      attachedTo: u,
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    });
    estate.policies.push({
      id: 'arn:aws:iam::123456789012:policy/invoke-only',
      name: 'invoke-only',
      type: 'permissions-boundary',
      attachedTo: u,
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
      },
    });
    const { findings } = scan(estate);
    const forU = findings.filter((f) => f.principal.name === 'U');
    expect(forU).toHaveLength(1);
    expect(forU[0]).toMatchObject({
      denial: 'guardrail',
      severity: 'high',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    });
  });

  it('reports implicit denials only when asked, at info severity', () => {
    const estate = emptyEstate();
    const table = withResource(estate, arn.table('T'), 'T', 'dynamodb', 'table');
    const fn = withFunction(estate, 'reader', [
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table },
    ]);
    withUser(estate, 'alice', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn }]);
    expect(scan(estate).findings).toEqual([]);
    const implicit = scan(estate, true).findings;
    expect(implicit).toHaveLength(1);
    expect(implicit[0]).toMatchObject({
      denial: 'implicit',
      severity: 'info',
      actions: ['dynamodb:GetItem'],
    });
  });

  it('does not report a function role that is itself denied the access (explicit deny in the function role)', () => {
    const estate = figureOneEstate();
    const role = arn.role('X-role');
    estate.policies.push({
      id: `${role}#inline/deny`,
      name: 'deny',
      type: 'identity',
      attachedTo: role,
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: '*' }],
      },
    });
    expect(scan(estate).findings).toEqual([]);
  });

  it('does not report a requester whose invoke is denied by an SCP', () => {
    const estate = figureOneEstate();
    estate.policies.push({
      id: 'p-1',
      name: 'deny-invoke',
      type: 'scp',
      attachedTo: 'organization-root',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          {
            Effect: 'Deny',
            Action: 'lambda:InvokeFunction',
            Resource: '*',
            Condition: { StringEquals: { 'aws:username': 'U' } },
          },
        ],
      },
    });
    expect(scan(estate).findings).toEqual([]);
  });

  it('terminates on cycles and collapses them in the closure', () => {
    const estate = emptyEstate();
    const table = withResource(estate, arn.table('T'), 'T', 'dynamodb', 'table');
    const a = arn.fn('a');
    const b = arn.fn('b');
    withFunction(estate, 'a', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: b }]);
    withFunction(estate, 'b', [
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: a },
      { Effect: 'Allow', Action: 'dynamodb:DeleteItem', Resource: table },
    ]);
    withUser(estate, 'u', [
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: a },
      { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' },
    ]);
    const { findings, profile } = scan(estate);
    expect(findings.map((f) => renderPath(f.path))).toEqual([
      'u -invoke-> a -invoke-> b -dynamodb:DeleteItem-> T',
    ]);
    const closure = new ReachClosure(profile);
    const reachedByA = closure
      .accessesOf(a)
      .map((x) => `${x.action} ${x.resource}`)
      .sort();
    expect(reachedByA).toEqual([
      `dynamodb:DeleteItem ${table}`,
      `lambda:InvokeFunction ${a}`,
      `lambda:InvokeFunction ${b}`,
    ]);
  });

  it('keeps conditional edges with their condition keys', () => {
    const estate = figureOneEstate();
    const x = arn.fn('X');
    const u = arn.user('U');
    estate.policies = estate.policies.filter((p) => p.attachedTo !== u);
    withUser(estate, 'W', [
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: x,
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
      { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: '*' },
    ]);
    const { findings } = scan(estate);
    const w = findings.find((f) => f.principal.name === 'W');
    expect(w).toMatchObject({ severity: 'medium', conditions: ['aws:sourceip'] });
  });

  it('evaluates far fewer requests than requesters × functions × resources', () => {
    const estate = emptyEstate();
    const tables = Array.from({ length: 30 }, (_, i) =>
      withResource(estate, arn.table(`t${i}`), `t${i}`, 'dynamodb', 'table'),
    );
    const fns = tables.map((t, i) =>
      withFunction(estate, `f${i}`, [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: t }]),
    );
    for (let i = 0; i < 30; i++)
      withUser(estate, `user${i}`, [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fns[i] }]);
    const { profile } = scan(estate);
    expect(profile.stats.evaluations).toBeLessThan(30 * 30);
    expect(profile.stats.userInvoke).toBe(30);
  });
});
