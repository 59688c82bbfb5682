/** `GET /metrics`: decisions by outcome, decision latency (p50/p99), requests by status class, uptime. */
import { json, type Handler } from '../http.js';
import type { Metrics } from '../metrics.js';
import type { ProfileHolder } from '../reload.js';

export function metricsRoute(metrics: Metrics, profiles: ProfileHolder): Handler {
  return (_request, scope) => json(200, metrics.snapshot(scope.profile.version, profiles.swaps()));
}
