import { describe, expect, it } from 'vitest';
import { bypassFindings } from '../../src/findings/index.js';
import type { Estate } from '../../src/model/index.js';
import {
  buildProfile,
  compileBlockTable,
  compileProfileSnapshot,
  findBypassPaths,
  profileVersion,
  resolveFunctionId,
  resolvePrincipalId,
} from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { ACCOUNT, arn, chainEstate, figureOneEstate, identity, withUser } from './estates.js';

const CREATED = '2026-01-02T03:04:05.000Z';

function compile(estate: Estate, includeImplicit = false) {
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const paths = findBypassPaths(profile, authorizer, { includeImplicit });
  const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
  const table = compileBlockTable(paths, findings, authorizer, estate, 'v-test', CREATED, {
    includeImplicit,
  });
  return { table, findings, paths, authorizer };
}

describe('block table', () => {
  it('blocks an origin denied PutItem on DB-1 at function X (Fig. 1)', () => {
    const { table, findings } = compile(figureOneEstate());
    const x = table.functions[arn.fn('X')]!;
    expect(x).toMatchObject({ function: arn.fn('X'), name: 'X', conduit: true });
    expect(x.blocked[arn.user('U')]).toEqual([
      {
        resource: arn.table('DB-1'),
        action: 'dynamodb:PutItem',
        denial: 'explicit',
        findingId: findings[0]!.id,
      },
    ]);
    expect(table.version).toBe('v-test');
    expect(table.createdAt).toBe(CREATED);
  });

  it('does not block V, who may write DB-1 directly', () => {
    const { table } = compile(figureOneEstate());
    expect(table.functions[arn.fn('X')]!.blocked[arn.user('V')]).toBeUndefined();
    expect(Object.keys(table.functions[arn.fn('X')]!.blocked)).toEqual([arn.user('U')]);
  });

  it('blocks mallory at ledger-writer, the holder, and marks order-consumer a conduit only', () => {
    const { table, findings } = compile(chainEstate());
    const mallory = arn.user('mallory');
    const writer = table.functions[arn.fn('ledger-writer')]!;
    const consumer = table.functions[arn.fn('order-consumer')]!;
    expect(writer.conduit).toBe(false);
    expect(writer.blocked[mallory]).toEqual(
      ['dynamodb:PutItem', 'dynamodb:UpdateItem'].map((action) => ({
        resource: arn.table('ledger'),
        action,
        denial: 'explicit',
        findingId: findings[0]!.id,
      })),
    );
    expect(consumer).toEqual({
      function: arn.fn('order-consumer'),
      name: 'order-consumer',
      conduit: true,
      blocked: {},
    });
  });

  it('lists every function of the estate, with nothing to block where there is none', () => {
    const estate = figureOneEstate();
    estate.functions.push({ id: arn.fn('idle'), name: 'idle', cloud: 'aws', account: ACCOUNT });
    const { table } = compile(estate);
    expect(Object.keys(table.functions).sort()).toEqual([arn.fn('X'), arn.fn('idle')]);
    expect(table.functions[arn.fn('idle')]).toEqual({
      function: arn.fn('idle'),
      name: 'idle',
      conduit: false,
      blocked: {},
    });
  });

  it('uses the ids bypassFindings gives, and blocks nothing whose finding is left out', () => {
    const estate = chainEstate();
    const authorizer = createAwsEstateAuthorizer(estate);
    const paths = findBypassPaths(buildProfile(estate, authorizer), authorizer);
    const table = compileBlockTable(paths, [], authorizer, estate, 'v', CREATED);
    expect(
      Object.values(table.functions).every((f) => !f.conduit && Object.keys(f.blocked).length === 0),
    ).toBe(true);
  });

  it('maps function names and ARNs, qualified or not, to the function id', () => {
    const { table } = compile(chainEstate());
    const writer = arn.fn('ledger-writer');
    expect(table.functionIds['ledger-writer']).toBe(writer);
    expect(table.functionIds[writer]).toBe(writer);
    expect(resolveFunctionId(table, `${writer}:prod`)).toBe(writer);
    expect(resolveFunctionId(table, `${writer}:$LATEST`)).toBe(writer);
    expect(resolveFunctionId(table, 'ledger-writer')).toBe(writer);
    expect(resolveFunctionId(table, arn.fn('unknown'))).toBeUndefined();
  });

  it('maps principal ARNs, names and role session prefixes to the principal id', () => {
    const { table } = compile(figureOneEstate());
    const u = arn.user('U');
    const role = arn.role('X-role');
    expect(table.principalIds[u]).toBe(u);
    expect(table.principalIds.U).toBe(u);
    expect(table.principalIds['X-role']).toBe(role);
    expect(table.principalIds[`arn:aws:sts::${ACCOUNT}:assumed-role/X-role`]).toBe(role);
    expect(resolvePrincipalId(table, `arn:aws:sts::${ACCOUNT}:assumed-role/X-role/X`)).toBe(role);
    expect(resolvePrincipalId(table, 'V')).toBe(arn.user('V'));
    expect(resolvePrincipalId(table, `arn:aws:sts::${ACCOUNT}:assumed-role/other/s`)).toBeUndefined();
  });

  it('leaves out a name that two principals share', () => {
    const estate = figureOneEstate();
    const twin = `arn:aws:iam::${ACCOUNT}:role/U`;
    estate.principals.push({ id: twin, name: 'U', cloud: 'aws', kind: 'role', account: ACCOUNT });
    const { table } = compile(estate);
    expect(table.principalIds.U).toBeUndefined();
    expect(table.principalIds[arn.user('U')]).toBe(arn.user('U'));
    expect(table.principalIds[twin]).toBe(twin);
    expect(table.principalIds[`arn:aws:sts::${ACCOUNT}:assumed-role/U`]).toBe(twin);
  });

  it('takes the session prefix from the role name, not its path', () => {
    const estate = figureOneEstate();
    const deploy = `arn:aws:iam::${ACCOUNT}:role/ci/deploy`;
    estate.principals.push({ id: deploy, name: 'deploy', cloud: 'aws', kind: 'role', account: ACCOUNT });
    const { table } = compile(estate);
    expect(resolvePrincipalId(table, `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/run-42`)).toBe(deploy);
  });

  it('does not block implicit denials unless asked', () => {
    const estate = figureOneEstate();
    withUser(estate, 'W', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arn.fn('X') }]);
    const x = arn.fn('X');
    expect(compile(estate).table.functions[x]!.blocked[arn.user('W')]).toBeUndefined();
    const withImplicit = compile(estate, true).table.functions[x]!.blocked[arn.user('W')];
    expect(withImplicit?.map((b) => b.denial)).toContain('implicit');
  });
});

describe('profile version', () => {
  it('is a 16-hex content hash, the same for the same scan at any time', () => {
    const a = compile(chainEstate());
    const b = compile(chainEstate());
    const later = { ...b.table, createdAt: '2030-01-01T00:00:00.000Z', version: 'other' };
    const version = profileVersion(a.table, a.findings);
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(profileVersion(later, b.findings)).toBe(version);
  });

  it('changes when the block table or the findings change', () => {
    const chain = compile(chainEstate());
    const fig1 = compile(figureOneEstate());
    expect(profileVersion(chain.table, chain.findings)).not.toBe(profileVersion(fig1.table, fig1.findings));
    expect(profileVersion(chain.table, [])).not.toBe(profileVersion(chain.table, chain.findings));
  });

  it('does not depend on the order of object keys', () => {
    const { table, findings } = compile(figureOneEstate());
    const reversed = {
      ...table,
      principalIds: Object.fromEntries(Object.entries(table.principalIds).reverse()),
    };
    expect(profileVersion(reversed, findings)).toBe(profileVersion(table, findings));
  });

  it('is the version of a compiled snapshot and its block table', () => {
    const estate = chainEstate();
    const { paths, findings, authorizer } = compile(estate);
    const snapshot = compileProfileSnapshot(paths, findings, authorizer, estate, { findings: 1 }, CREATED);
    expect(snapshot.blockTable.version).toBe(snapshot.version);
    expect(snapshot.version).toBe(profileVersion(snapshot.blockTable, findings));
    expect(snapshot).toMatchObject({ createdAt: CREATED, findings, stats: { findings: 1 } });
  });
});

describe('block table: identity at run time', () => {
  function compileWithProfile(estate: Estate, extra: { uninstrumented?: string[] } = {}) {
    const authorizer = createAwsEstateAuthorizer(estate);
    const profile = buildProfile(estate, authorizer);
    const paths = findBypassPaths(profile, authorizer);
    const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
    return compileBlockTable(paths, findings, authorizer, estate, 'v-test', CREATED, { profile, ...extra });
  }

  it('lists U as unvouched at X (a direct invoker blocked there), and distrusts identities in X’s event', () => {
    const x = compileWithProfile(figureOneEstate()).functions[arn.fn('X')]!;
    expect(x.unvouched).toEqual([arn.user('U')]);
    expect(x.eventClaims).toBe(false);
    expect(x.upstream).toEqual({});
  });

  it('names order-consumer upstream of ledger-writer through the topic, and carries mallory there unvouched', () => {
    const table = compileWithProfile(chainEstate());
    const writer = table.functions[arn.fn('ledger-writer')]!;
    expect(writer.upstream).toEqual({ [arn.fn('order-consumer')]: [arn.topic('order-events')] });
    // SQS names mallory only by a unique id this estate does not map: nobody can vouch for her at
    // order-consumer, so she may reach ledger-writer unvouched.
    expect(writer.unvouched).toEqual([arn.user('mallory')]);
    expect(writer.eventClaims).toBe(true);
    // Nothing is blocked at order-consumer itself, so an unvouched arrival is not refused there.
    expect(table.functions[arn.fn('order-consumer')]!.unvouched).toEqual([]);
  });

  it('vouches for a queue writer whose unique id the table maps', () => {
    const estate = chainEstate();
    // An IAM export gives mallory's unique id, which SQS writes as SenderId.
    estate.principals.find((p) => p.id === arn.user('mallory'))!.uniqueId = 'AIDAMALLORY000000001';
    const writer = compileWithProfile(estate).functions[arn.fn('ledger-writer')]!;
    expect(writer.unvouched).toEqual([]);
  });

  it('takes an event claim for none where someone blocked downstream may invoke directly', () => {
    const estate = chainEstate();
    // mallory may also invoke order-consumer directly: she could write any SenderId into the event.
    estate.policies.push(
      identity(arn.user('mallory'), 'direct', [
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arn.fn('order-consumer') },
      ]),
    );
    const table = compileWithProfile(estate);
    expect(table.functions[arn.fn('order-consumer')]!.eventClaims).toBe(false);
    expect(table.functions[arn.fn('ledger-writer')]!.unvouched).toEqual([arn.user('mallory')]);
  });

  it('passes every origin on unvouched through an uninstrumented function', () => {
    const estate = chainEstate();
    estate.principals.find((p) => p.id === arn.user('mallory'))!.uniqueId = 'AIDAMALLORY000000001';
    const table = compileWithProfile(estate, { uninstrumented: [arn.fn('order-consumer')] });
    expect(table.functions[arn.fn('ledger-writer')]!.unvouched).toEqual([arn.user('mallory')]);
  });

  it('leaves the identity fields out without the profile (agents then fall back to the conduit rule)', () => {
    const { table } = compile(figureOneEstate());
    expect(table.functions[arn.fn('X')]!.unvouched).toBeUndefined();
  });
});
