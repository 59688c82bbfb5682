/**
 * Taking a decision on behalf of a route: time it, count it, append it to the audit log, and log a rejected
 * caller context by its reason only. The outcome is returned only once its audit row is committed, so every answer
 * a client receives is in the log; when the write fails the route gets an AuditWriteError and answers 503 instead
 * of an unrecorded decision.
 */
import type { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AuditLog, AuditRoute } from './auditLog.js';
import type { UnknownFunctionPolicy } from './config.js';
import { decide, type DecideOutcome, type DecideRequest } from './decide.js';
import type { LoadedProfile } from './loadedProfile.js';
import type { Metrics } from './metrics.js';

export interface DecisionDeps {
  audit: AuditLog;
  metrics: Metrics;
  verifyKeys: readonly KeyObject[];
  unknownFunction: UnknownFunctionPolicy;
  log: (line: string) => void;
}

/** The decision was taken but could not be written to the audit log; it must not be answered. */
export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
  constructor() {
    super('the decision could not be written to the audit log');
  }
}

export async function decideAndRecord(
  deps: DecisionDeps,
  profile: LoadedProfile,
  request: DecideRequest,
  route: AuditRoute,
): Promise<DecideOutcome> {
  const started = performance.now();
  const outcome = decide(profile, request, {
    verifyKeys: deps.verifyKeys,
    unknownFunction: deps.unknownFunction,
  });
  deps.metrics.recordDecision(route, outcome.decision, performance.now() - started);
  if (outcome.tokenRejected)
    deps.log(
      `caller context rejected (${outcome.tokenRejected}) for ${outcome.function ?? request.function}`,
    );
  try {
    await deps.audit.record({
      time: new Date().toISOString(),
      function: outcome.function ?? request.function,
      origin: outcome.origin,
      decision: outcome.decision,
      reason: outcome.tokenRejected
        ? `${outcome.reason} (caller context ${outcome.tokenRejected})`
        : outcome.reason,
      version: outcome.version,
      route,
    });
  } catch (error) {
    deps.log(`audit log write failed: ${error instanceof Error ? error.message : String(error)}`);
    throw new AuditWriteError();
  }
  return outcome;
}
