import { describe, expect, it } from 'vitest';
import { emptyEstate, type Estate } from '../../src/model/index.js';
import { buildProfile, compileBlockTable, findBypassPaths } from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { bypassFindings } from '../../src/findings/index.js';
import { arn, withFunction, withResource, withUser } from './estates.js';

function scan(estate: Estate) {
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const paths = findBypassPaths(profile, authorizer);
  const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
  return { paths, findings, authorizer };
}

/** X writes orders unconditionally and deletes from it only through a VPC endpoint; it also updates audit. */
function twoTablesEstate(): Estate {
  const estate = emptyEstate();
  const orders = withResource(estate, arn.table('orders'), 'orders', 'dynamodb', 'table');
  const audit = withResource(estate, arn.table('audit'), 'audit', 'dynamodb', 'table');
  const x = withFunction(estate, 'X', [
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: orders },
    {
      Effect: 'Allow',
      Action: 'dynamodb:DeleteItem',
      Resource: orders,
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
    },
    { Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: audit },
  ]);
  withUser(estate, 'U', [
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: x },
    { Sid: 'NoOrderPuts', Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: orders },
    { Sid: 'NoOrderDeletes', Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: orders },
    {
      Sid: 'NoAuditWrites',
      Effect: 'Deny',
      Action: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
      Resource: audit,
    },
  ]);
  return estate;
}

describe("a finding's actions", () => {
  it('are those that reach its resource, each resource a finding of its own', () => {
    const { findings } = scan(twoTablesEstate());
    const audit = findings.filter((f) => f.resource.name === 'audit');
    // U is denied PutItem on audit too, but X only updates it.
    expect(audit.map((f) => f.actions)).toEqual([['dynamodb:UpdateItem']]);
    expect(audit[0]!.denialReasons).toEqual([expect.objectContaining({ sid: 'NoAuditWrites' })]);
  });

  it('keep an unconditional action out of a conditional finding', () => {
    const { findings } = scan(twoTablesEstate());
    const orders = findings.filter((f) => f.resource.name === 'orders');
    expect(orders.map((f) => [f.severity, f.actions, f.conditions])).toEqual([
      ['high', ['dynamodb:PutItem'], undefined],
      ['medium', ['dynamodb:DeleteItem'], ['aws:sourcevpce']],
    ]);
    expect(orders[0]!.denialReasons).toEqual([expect.objectContaining({ sid: 'NoOrderPuts' })]);
    expect(orders[1]!.denialReasons).toEqual([expect.objectContaining({ sid: 'NoOrderDeletes' })]);
  });

  it('list the statements that deny each of them', () => {
    const estate = twoTablesEstate();
    // Make the delete unconditional: both actions in one high finding, denied by two statements.
    const role = estate.policies.find((p) => p.attachedTo === arn.role('X-role') && p.type === 'identity')!;
    const doc = role.document as { Statement: { Condition?: unknown }[] };
    delete doc.Statement[1]!.Condition;
    const orders = scan(estate).findings.filter((f) => f.resource.name === 'orders');
    expect(orders.map((f) => f.actions)).toEqual([['dynamodb:DeleteItem', 'dynamodb:PutItem']]);
    expect(orders[0]!.denialReasons!.map((r) => (r.kind === 'statement' ? r.sid : r.kind)).sort()).toEqual([
      'NoOrderDeletes',
      'NoOrderPuts',
    ]);
  });

  it('are blocked under the finding that reports them', () => {
    const estate = twoTablesEstate();
    const { paths, findings, authorizer } = scan(estate);
    const table = compileBlockTable(paths, findings, authorizer, estate, 'v', 't');
    const blocked = table.functions[arn.fn('X')]!.blocked[arn.user('U')]!;
    const findingOf = (action: string) =>
      findings.find((f) => f.id === blocked.find((b) => b.action === action)?.findingId);
    expect(findingOf('dynamodb:PutItem')?.severity).toBe('high');
    expect(findingOf('dynamodb:DeleteItem')?.severity).toBe('medium');
  });
});
