/**
 * The orchestrator: runs the engine over the current profile, caches each decision by (function, origin, profile
 * version) so a repeated pattern is answered at once, and turns reasoned blocks into block-table entries that
 * `ares serve` merges into the slices agents fetch (see `blockOverlay`).
 */
import type { BlockedAccess, ProfileSnapshot } from '../../model/index.js';
import { LruCache } from '../../runtime/lruCache.js';
import type { Planner } from '../planners/planner.js';
import { connectEngine, type ConnectedEngine } from './connect.js';
import type { EngineOptions, EngineStats, ReasoningEngine } from './engine.js';
import type { EngineResult, Invocation } from './types.js';

/** A block the engine reasoned, as it enters the block table. */
export interface ReasonedBlock {
  reason: string;
  /** The denied accesses the function would perform for the origin. */
  accesses: BlockedAccess[];
  findingIds: string[];
  profileVersion: string;
  planner: string;
}

export interface OrchestratorOptions extends Omit<EngineOptions, 'tools' | 'exact' | 'planner'> {
  /** The profile to reason over now (read on every decision, so a reload is picked up). */
  current(): ProfileSnapshot;
  planner?: Planner;
  /** How to build an engine for a snapshot (default: the in-memory MCP engine). */
  connect?: (snapshot: ProfileSnapshot) => Promise<ConnectedEngine>;
  /** Decisions kept for repeated questions; the least recently used is dropped beyond it. Default 10,000. */
  cacheSize?: number;
}

export const DEFAULT_ORCHESTRATOR_CACHE_SIZE = 10_000;

export interface OrchestratorStats extends EngineStats {
  cacheHits: number;
  cacheMisses: number;
  /** Decisions held now (at most the configured size) and how many were dropped to stay within it. */
  cacheSize: number;
  cacheEvictions: number;
}

export interface ReasoningOrchestrator {
  decide(invocation: Invocation): Promise<EngineResult>;
  /** function id → origin → the reasoned block, for the current profile version. */
  reasonedBlocks(): Record<string, Record<string, ReasonedBlock>>;
  /** The entries to merge into a function's served slice (origin → accesses); empty for another version. */
  blockOverlay(functionId: string, profileVersion: string): Record<string, BlockedAccess[]>;
  /** The engine for the current profile (built on first use). */
  engine(): Promise<ReasoningEngine>;
  stats(): OrchestratorStats;
  close(): Promise<void>;
}

const keyOf = (functionId: string, origin: string | undefined, version: string): string =>
  JSON.stringify([functionId, origin ?? null, version]);

export function createReasoningOrchestrator(options: OrchestratorOptions): ReasoningOrchestrator {
  const { current, connect: customConnect, planner, cacheSize, ...engineOptions } = options;
  const connect =
    customConnect ??
    ((snapshot: ProfileSnapshot) =>
      connectEngine(snapshot, { ...engineOptions, ...(planner ? { planner } : {}) }));
  let connected: { version: string; engine: Promise<ConnectedEngine> } | undefined;
  // Keys hold whatever function and principal a client names, so the cache must be bounded.
  const cache = new LruCache<string, EngineResult>(cacheSize ?? DEFAULT_ORCHESTRATOR_CACHE_SIZE);
  let blocks: { version: string; byFunction: Map<string, Map<string, ReasonedBlock>> } = {
    version: '',
    byFunction: new Map(),
  };
  let liveEngine: ReasoningEngine | undefined;
  let hits = 0;
  let misses = 0;
  const retired: EngineStats = { decisions: 0, disagreements: 0, fallbacks: 0, badCalls: 0 };

  const engineFor = (snapshot: ProfileSnapshot): Promise<ConnectedEngine> => {
    if (connected?.version !== snapshot.version) {
      const previous = connected;
      connected = { version: snapshot.version, engine: connect(snapshot) };
      // A new profile version: the old decisions and blocks no longer hold.
      cache.clear();
      blocks = { version: snapshot.version, byFunction: new Map() };
      if (previous)
        void previous.engine
          .then(async (old) => {
            const s = old.engine.stats();
            for (const k of Object.keys(retired) as (keyof EngineStats)[]) retired[k] += s[k];
            await old.close();
          })
          .catch(() => undefined);
      liveEngine = undefined;
      const pending = connected.engine;
      pending.then(
        (c) => {
          if (connected?.engine === pending) liveEngine = c.engine;
        },
        () => {
          if (connected?.engine === pending) connected = undefined;
        },
      );
    }
    return connected.engine;
  };

  const remember = (result: EngineResult): void => {
    const { verdict, origin } = result;
    if (verdict.decision !== 'block' || origin === undefined || verdict.blockPoint === undefined) return;
    if (blocks.version !== result.profileVersion) return;
    const snapshot = current();
    const fromTable = snapshot.blockTable.functions[verdict.blockPoint]?.blocked[origin];
    const ids = new Set(verdict.findingIds ?? []);
    const accesses =
      fromTable ??
      snapshot.findings
        .filter((f) => ids.has(f.id))
        .flatMap((f) =>
          f.actions.map((action) => ({ resource: f.resource.id, action, denial: f.denial, findingId: f.id })),
        );
    const perFunction = blocks.byFunction.get(verdict.blockPoint) ?? new Map<string, ReasonedBlock>();
    perFunction.set(origin, {
      reason: verdict.reason,
      accesses,
      findingIds: [...ids],
      profileVersion: result.profileVersion,
      planner: result.planner,
    });
    blocks.byFunction.set(verdict.blockPoint, perFunction);
  };

  return {
    decide: async (invocation) => {
      const snapshot = current();
      const { engine } = await engineFor(snapshot);
      const functionId = engine.exact.functionId(invocation.function) ?? invocation.function;
      const origin =
        invocation.principal === undefined ? undefined : engine.exact.principalId(invocation.principal);
      const key = keyOf(functionId, origin, snapshot.version);
      const hit = cache.get(key);
      if (hit) {
        hits += 1;
        return { ...hit, invocation, cached: true, elapsedMs: 0 };
      }
      misses += 1;
      const result = await engine.decide(invocation);
      cache.set(key, result);
      remember(result);
      return result;
    },
    reasonedBlocks: () => {
      const out: Record<string, Record<string, ReasonedBlock>> = {};
      for (const [fn, origins] of blocks.byFunction) out[fn] = Object.fromEntries(origins);
      return out;
    },
    blockOverlay: (functionId, profileVersion) => {
      if (blocks.version !== profileVersion) return {};
      const origins = blocks.byFunction.get(functionId);
      return origins ? Object.fromEntries([...origins].map(([o, b]) => [o, b.accesses])) : {};
    },
    engine: async () => (await engineFor(current())).engine,
    stats: () => {
      const live = liveEngine?.stats();
      const sum = { ...retired };
      if (live) for (const k of Object.keys(sum) as (keyof EngineStats)[]) sum[k] += live[k];
      return {
        ...sum,
        cacheHits: hits,
        cacheMisses: misses,
        cacheSize: cache.size,
        cacheEvictions: cache.evicted,
      };
    },
    close: async () => {
      const open = connected;
      connected = undefined;
      if (open) await (await open.engine).close();
    },
  };
}
