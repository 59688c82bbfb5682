import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import {
  connectEngine,
  createReasoningOrchestrator,
  type ConnectedEngine,
  type TraceStep,
} from '../../src/reasoning/engine/index.js';
import type { Planner, PlannerMove } from '../../src/reasoning/planners/index.js';
import { exampleSnapshot, LEDGER_WRITER, MALLORY, U, writeSnapshot, X } from './engineFixture.js';

const tools = (trace: TraceStep[]): string[] => trace.flatMap((s) => (s.kind === 'call' ? [s.tool] : []));

describe('reasoning engine with the deterministic planner (through MCP, in memory)', () => {
  let connected: ConnectedEngine;
  const logged: string[] = [];

  beforeAll(async () => {
    connected = await connectEngine(exampleSnapshot(), { log: (line) => logged.push(line) });
  });
  afterAll(async () => {
    await connected.close();
  });

  it('blocks U at X, with the witness path and the block point', async () => {
    const result = await connected.engine.decide({ function: 'X', principal: 'U' });
    expect(result.verdict.decision).toBe('block');
    expect(result.verdict.blockPoint).toBe(X);
    expect(result.verdict.path?.map((s) => s.name)).toEqual(['U', 'X', 'DB-1']);
    expect(result.verdict.findingIds).toHaveLength(1);
    expect(result.verification).toMatchObject({ agrees: true, exact: { decision: 'block', blockPoint: X } });
    expect(result.planner).toBe('deterministic');
    expect(result.cached).toBe(false);
    expect(result.origin).toBe(U);
    expect(tools(result.trace)).toEqual([
      'list_user_invoke',
      'list_service_reach',
      'list_user_deny',
      'find_bypass_paths',
    ]);
    expect(result.trace.at(-1)?.kind).toBe('conclusion');
  });

  it('allows V at X: V is denied nothing X reaches', async () => {
    const result = await connected.engine.decide({ function: 'X', principal: 'V' });
    expect(result.verdict.decision).toBe('allow');
    expect(result.verdict.blockPoint).toBeUndefined();
    expect(result.verification.agrees).toBe(true);
    expect(result.verdict.reason).toContain('V is denied nothing');
  });

  it("blocks mallory's chain at ledger-writer", async () => {
    const result = await connected.engine.decide({
      function: 'ledger-writer',
      principal: 'mallory',
      chain: ['order-consumer'],
    });
    expect(result.verdict.decision).toBe('block');
    expect(result.verdict.blockPoint).toBe(LEDGER_WRITER);
    expect(result.verdict.path?.map((s) => s.name)).toEqual([
      'mallory',
      'orders',
      'order-consumer',
      'order-events',
      'ledger-writer',
      'ledger',
    ]);
    expect(result.verification.agrees).toBe(true);
  });

  it('allows mallory at order-consumer and says where her bypass is stopped', async () => {
    const result = await connected.engine.decide({ function: 'order-consumer', principal: 'mallory' });
    expect(result.verdict.decision).toBe('allow');
    expect(result.verdict.reason).toContain('stopped later, at ledger-writer');
    expect(result.verification.agrees).toBe(true);
  });

  it('blocks an invocation with no requester where a blocked origin can arrive unvouched, as the run-time service does', async () => {
    // mallory's SQS message names her only by a SenderId the profile cannot map, so she arrives unvouched; she is
    // blocked at ledger-writer (the hop that writes the ledger), not at order-consumer.
    const result = await connected.engine.decide({ function: 'ledger-writer' });
    expect(result.verdict.decision).toBe('block');
    expect(result.verification.agrees).toBe(true);
    const consumer = await connected.engine.decide({ function: 'order-consumer' });
    expect(consumer.verdict.decision).toBe('allow');
    expect(consumer.verification.agrees).toBe(true);
  });

  it('records malformed and unknown tool calls, tells the planner, and falls back to the exact answer', async () => {
    const seen: string[] = [];
    const moves: PlannerMove[] = [
      { kind: 'call', tool: 'list_everything', args: {} },
      { kind: 'call', tool: 'list_user_invoke', args: '{"principal": U' },
      { kind: 'call', tool: 'list_user_invoke', args: { principal: 7 } },
      { kind: 'call', tool: 'list_user_invoke', args: { principal: 'U' } },
    ];
    const scripted: Planner = {
      name: 'scripted',
      start: () => ({
        next: (observation) => {
          if (observation?.kind === 'error') seen.push(observation.problem);
          return Promise.resolve(moves.shift() ?? { kind: 'call', tool: 'nope', args: {} });
        },
      }),
    };
    const before = connected.engine.stats();
    const result = await connected.engine.decide({ function: 'X', principal: 'U' }, { planner: scripted });
    expect(result.trace.slice(0, 4).map((s) => s.kind)).toEqual(['error', 'error', 'error', 'call']);
    expect(result.trace[0]).toMatchObject({ kind: 'error', tool: 'list_everything' });
    expect((result.trace[0] as { problem: string }).problem).toContain('unknown tool');
    expect((result.trace[1] as { problem: string }).problem).toContain('must be a JSON object');
    expect((result.trace[2] as { problem: string }).problem).toContain('principal must be string');
    expect(seen.slice(0, 3)).toHaveLength(3);
    // The planner never concluded: after 12 moves the exact answer stands.
    expect(result.trace).toHaveLength(12);
    expect(result.verification.fallback).toBe('steps');
    expect(result.verdict).toMatchObject({ decision: 'block', blockPoint: X });
    const after = connected.engine.stats();
    expect(after.fallbacks - before.fallbacks).toBe(1);
    expect(after.badCalls - before.badCalls).toBe(11);
  });
});

describe('reasoning orchestrator', () => {
  it('answers a repeated pattern from the cache, keyed by function, origin and profile version', async () => {
    const snapshot = exampleSnapshot();
    const orchestrator = createReasoningOrchestrator({ current: () => snapshot, log: () => undefined });
    try {
      const first = await orchestrator.decide({ function: 'X', principal: 'U' });
      // The same function and origin under other names: the same cache entry.
      const again = await orchestrator.decide({ function: X, principal: U });
      expect(first.cached).toBe(false);
      expect(again.cached).toBe(true);
      expect(again.verdict).toEqual(first.verdict);
      expect(orchestrator.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 1, decisions: 1 });
      expect(orchestrator.reasonedBlocks()[X]?.[U]?.accesses.map((a) => a.action)).toContain(
        'dynamodb:PutItem',
      );
      expect(orchestrator.blockOverlay(X, snapshot.version)[U]).toHaveLength(4);
      expect(orchestrator.blockOverlay(X, 'another-version')).toEqual({});
    } finally {
      await orchestrator.close();
    }
  });
});

describe('reasoned blocks enter the block table ares serve distributes', () => {
  let running: RunningServe;
  const token = 'reasoning-test-token';

  beforeAll(async () => {
    // A snapshot whose compiled table lacks mallory's block at ledger-writer (as a table compiled before the
    // finding would be): only the engine's decision can put it there.
    const snapshot = exampleSnapshot();
    const ledgerWriter = snapshot.blockTable.functions[LEDGER_WRITER];
    if (ledgerWriter) ledgerWriter.blocked = {};
    const { dir, file } = writeSnapshot(snapshot);
    running = await startServe(
      {
        profile: file,
        port: 0,
        host: '127.0.0.1',
        publicKeys: [],
        audit: join(dir, 'audit.db'),
        reloadIntervalSeconds: 0,
      },
      { ARES_API_TOKEN: token },
      () => undefined,
    );
  });
  afterAll(async () => {
    await running.stop();
  });

  const slice = (fn: string, etag?: string): Promise<Response> =>
    fetch(`${running.url}/v1/block-table/${fn}`, {
      headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) },
    });

  it('merges the verdict into GET /v1/block-table/{function}, with a new ETag', async () => {
    const before = await slice('ledger-writer');
    const etag = before.headers.get('etag') ?? '';
    expect(((await before.json()) as { function: { blocked: object } }).function.blocked).toEqual({});

    const result = await running.reasoning.decide({ function: 'ledger-writer', principal: 'mallory' });
    expect(result.verdict).toMatchObject({ decision: 'block', blockPoint: LEDGER_WRITER });

    const after = await slice('ledger-writer', etag);
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const body = (await after.json()) as {
      function: { blocked: Record<string, { action: string }[]> };
      principalIds: Record<string, string>;
    };
    expect(body.function.blocked[MALLORY]?.map((a) => a.action).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(body.principalIds.mallory).toBe(MALLORY);
    // The served table is unchanged where the engine added nothing.
    expect((await slice('X')).headers.get('etag')).toBe(`"${running.profiles.current().version}"`);
  });
});
