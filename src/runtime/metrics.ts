/**
 * Server metrics: decisions by outcome and route, the latency of the decision itself (p50/p99 over the latest
 * samples), requests by status class, and uptime. Kept in memory; served as JSON by `GET /metrics`.
 */
import { performance } from 'node:perf_hooks';
import type { AuditRoute } from './auditLog.js';

const SAMPLES = 4096;

export interface MetricsSnapshot {
  uptimeSeconds: number;
  version: string;
  decisions: { allow: number; block: number; byRoute: Record<AuditRoute, { allow: number; block: number }> };
  decideLatencyMs: { samples: number; p50: number; p99: number; max: number };
  requests: Record<string, number>;
  reloads: number;
}

export interface Metrics {
  recordDecision(route: AuditRoute, decision: 'allow' | 'block', elapsedMs: number): void;
  recordResponse(status: number): void;
  /** `reloads`: how many times a new profile version was swapped in. */
  snapshot(version: string, reloads: number): MetricsSnapshot;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

export function createMetrics(now: () => number = () => performance.now()): Metrics {
  const started = now();
  const samples = new Float64Array(SAMPLES);
  let sampleCount = 0;
  const decisions = {
    allow: 0,
    block: 0,
    byRoute: {
      decide: { allow: 0, block: 0 },
      invoke: { allow: 0, block: 0 },
      a2a: { allow: 0, block: 0 },
      mcp: { allow: 0, block: 0 },
    },
  };
  const requests: Record<string, number> = {};
  return {
    recordDecision(route, decision, elapsedMs) {
      decisions[decision] += 1;
      decisions.byRoute[route][decision] += 1;
      samples[sampleCount % SAMPLES] = elapsedMs;
      sampleCount += 1;
    },
    recordResponse(status) {
      const key = `${Math.floor(status / 100)}xx`;
      requests[key] = (requests[key] ?? 0) + 1;
    },
    snapshot(version, reloads) {
      const kept = samples.slice(0, Math.min(sampleCount, SAMPLES)).sort();
      const round = (ms: number): number => Math.round(ms * 1000) / 1000;
      return {
        uptimeSeconds: Math.round((now() - started) / 1000),
        version,
        decisions: structuredClone(decisions),
        decideLatencyMs: {
          samples: kept.length,
          p50: round(percentile(kept, 50)),
          p99: round(percentile(kept, 99)),
          max: round(kept.length === 0 ? 0 : (kept[kept.length - 1] ?? 0)),
        },
        requests: { ...requests },
        reloads,
      };
    },
  };
}
