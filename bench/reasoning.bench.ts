/**
 * Reasoning-engine decision latency: the deterministic planner through MCP (client and server linked in memory)
 * on the example estate, a cache miss (the whole perceive → call → observe loop, four tool calls, and the check
 * against the exact profile) against a cache hit (the orchestrator's answer for a repeated pattern). Prints
 * p50/p99 of each and the hit/miss ratio. A measurement, not a test: nothing is asserted.
 */
import { scanPaths, scanSnapshot } from '../dist/cli/commands/scan.js';
import { createReasoningOrchestrator } from '../dist/reasoning/engine/index.js';
import { formatTable } from './formatTable.js';

const MISSES = Number(process.env.BENCH_REASONING_MISSES ?? 300);
const HITS = Number(process.env.BENCH_REASONING_HITS ?? 20_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const QUESTIONS = [
  { function: 'X', principal: 'U' },
  { function: 'X', principal: 'V' },
  { function: 'ledger-writer', principal: 'mallory', chain: ['order-consumer'] },
  { function: 'order-consumer', principal: 'mallory' },
];

export async function run(): Promise<void> {
  const base = scanSnapshot(
    scanPaths(['examples/estate'], {
      account: '123456789012',
      region: 'us-east-1',
      params: {},
      includeImplicit: false,
    }),
  );
  const orchestrator = createReasoningOrchestrator({ current: () => base, log: () => undefined });
  // A miss is what the orchestrator does on an empty cache: the engine's whole loop (connecting to the MCP server
  // happens once per profile version and is not counted).
  const engine = await orchestrator.engine();
  for (let i = 0; i < 20; i += 1) await engine.decide(QUESTIONS[i % QUESTIONS.length]!);

  const miss: number[] = [];
  for (let i = 0; i < MISSES; i += 1) {
    const t0 = performance.now();
    await engine.decide(QUESTIONS[i % QUESTIONS.length]!);
    miss.push(performance.now() - t0);
  }
  for (const q of QUESTIONS) await orchestrator.decide(q);
  const hit: number[] = [];
  for (let i = 0; i < HITS; i += 1) {
    const t0 = performance.now();
    const r = await orchestrator.decide(QUESTIONS[i % QUESTIONS.length]!);
    hit.push(performance.now() - t0);
    if (!r.cached) throw new Error('expected a cache hit');
  }
  await orchestrator.close();

  miss.sort((a, b) => a - b);
  hit.sort((a, b) => a - b);
  const ms = (v: number): string => v.toFixed(4);
  console.log(
    formatTable([
      ['deterministic planner via MCP (in memory)', 'n', 'p50 ms', 'p99 ms'],
      [
        'cache miss (4 tool calls + verification)',
        String(MISSES),
        ms(percentile(miss, 50)),
        ms(percentile(miss, 99)),
      ],
      ['cache hit', String(HITS), ms(percentile(hit, 50)), ms(percentile(hit, 99))],
    ]),
  );
  console.log(
    `hit/miss ratio: p50 ${(percentile(hit, 50) / percentile(miss, 50)).toExponential(2)}, ` +
      `p99 ${(percentile(hit, 99) / percentile(miss, 99)).toExponential(2)}`,
  );
}
