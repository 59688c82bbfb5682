/**
 * Shared checks for the MCP server: every tool asked about the example estate (Fig. 1's U/V/X/DB-1 and mallory's
 * queue → function → topic → function → table chain), the same over every transport.
 */
import { expect } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ids } from '../runtime/serverHarness.js';

export const DB1 = 'arn:aws:dynamodb:us-east-1:123456789012:table/DB-1';
export const LEDGER = 'arn:aws:dynamodb:us-east-1:123456789012:table/ledger';

export const TOOL_NAMES = [
  'explain_decision',
  'find_bypass_paths',
  'list_findings',
  'list_service_reach',
  'list_user_deny',
  'list_user_invoke',
  'simulate',
];

/** Structured answers are checked field by field. */
type Structured = any;

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Structured> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent;
}

export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError).toBe(true);
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

/** Asserts the answers of every tool and the summary resource on the example estate. */
export async function checkEveryTool(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
  for (const tool of tools) {
    expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    expect(tool.outputSchema, tool.name).toBeDefined();
  }

  const invoke = await call(client, 'list_user_invoke', { principal: 'U' });
  expect(invoke.principal).toEqual({ id: ids.U, name: 'U' });
  expect(invoke.invokes.map((i: Structured) => i.function.name)).toContain('X');

  const reach = await call(client, 'list_service_reach', { function: 'X' });
  expect(reach.reach).toContainEqual(
    expect.objectContaining({ action: 'dynamodb:PutItem', resource: expect.objectContaining({ id: DB1 }) }),
  );
  const chain = await call(client, 'list_service_reach', { function: 'order-consumer', transitive: true });
  expect(chain.reach).toContainEqual(
    expect.objectContaining({
      action: 'dynamodb:PutItem',
      resource: expect.objectContaining({ name: 'ledger' }),
      holder: { id: ids.ledgerWriter, name: 'ledger-writer' },
    }),
  );
  const direct = await call(client, 'list_service_reach', { function: 'order-consumer' });
  expect(direct.reach.some((r: Structured) => r.resource.name === 'ledger')).toBe(false);

  const deny = await call(client, 'list_user_deny', { principal: 'U' });
  expect(deny.denied).toContainEqual(
    expect.objectContaining({
      action: 'dynamodb:PutItem',
      resource: expect.objectContaining({ id: DB1 }),
      denial: 'explicit',
    }),
  );
  expect((await call(client, 'list_user_deny', { principal: 'V' })).denied).toEqual([]);

  const bypass = await call(client, 'find_bypass_paths', { principal: 'mallory' });
  expect(bypass.findings).toHaveLength(1);
  expect(bypass.findings[0].path.map((s: Structured) => s.name)).toEqual([
    'mallory',
    'orders',
    'order-consumer',
    'order-events',
    'ledger-writer',
    'ledger',
  ]);
  expect(bypass.findings[0].resource.id).toBe(LEDGER);
  const viaWriter = await call(client, 'find_bypass_paths', { function: 'ledger-writer' });
  expect(viaWriter.findings.map((f: Structured) => f.id)).toEqual([bypass.findings[0].id]);
  expect((await call(client, 'find_bypass_paths', { resource: 'DB-1' })).findings[0].principal.name).toBe(
    'U',
  );

  const blockU = await call(client, 'explain_decision', { principal: 'U', function: 'X' });
  expect(blockU.decision).toBe('block');
  expect(blockU.blockPoint).toEqual({ id: ids.X, name: 'X' });
  expect(blockU.path.map((s: Structured) => s.name)).toEqual(['U', 'X', 'DB-1']);
  expect(blockU.findings).toHaveLength(1);
  const allowV = await call(client, 'explain_decision', { principal: 'V', function: 'X' });
  expect(allowV.decision).toBe('allow');
  expect(allowV.findings).toEqual([]);
  const mallory = await call(client, 'explain_decision', {
    principal: 'mallory',
    function: 'order-consumer',
  });
  expect(mallory.decision).toBe('allow');
  expect(mallory.downstream).toEqual([
    { blockPoint: { id: ids.ledgerWriter, name: 'ledger-writer' }, findings: [bypass.findings[0].id] },
  ]);

  const sim = await call(client, 'simulate', { principal: 'U', action: 'dynamodb:PutItem', resource: DB1 });
  expect(sim.decision.decision).toBe('explicit-deny');
  expect(sim.decision.reasons[0]).toMatchObject({ effect: 'Deny', sid: 'NoWritesToDb1' });
  const read = await call(client, 'simulate', {
    principal: 'U',
    action: 'dynamodb:GetItem',
    resource: 'DB-1',
  });
  expect(read.decision.decision).toBe('allow');

  const findings = await call(client, 'list_findings', { severity: 'high' });
  expect(findings.findings).toHaveLength(2);
  expect((await call(client, 'list_findings', { severity: 'low' })).findings).toEqual([]);

  const unknown = await callError(client, 'list_user_invoke', { principal: 'Mallroy' });
  expect(unknown).toContain('"Mallroy"');
  expect(unknown).toContain('mallory');
  expect(await callError(client, 'list_service_reach', { function: 'ledger' })).toContain('ledger-writer');

  const resource = await client.readResource({ uri: 'ares://profile/summary' });
  const first = resource.contents[0];
  const summary = JSON.parse(first && 'text' in first ? first.text : '{}') as Structured;
  expect(summary.counts).toMatchObject({ requesters: 3, functions: 3, findings: 2 });
  expect(summary.topFindings).toHaveLength(2);
  expect(typeof summary.version).toBe('string');
}
