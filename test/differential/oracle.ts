/**
 * The oracle of the differential test: @cloud-copilot/iam-simulate (AGPL-3.0, a devDependency).
 * It may be imported from test/ and bench/ only, never from src/; nothing of it is copied here.
 *
 * Maps a generated case onto iam-simulate's `Simulation` input and its answer onto ares's decision names.
 */
import { runSimulation, type RunSimulationResults, type Simulation } from '@cloud-copilot/iam-simulate';
import type { ContextValue } from '../../src/providers/aws/index.js';
import { resourceAccountOf, type DiffCase } from './generate.js';

export type OracleDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface OracleAnswer {
  /** `error` when iam-simulate refused the input (the generator should never make such cases). */
  decision: OracleDecision | 'error';
  /** iam-simulate's error message, for `error`. */
  error?: string;
  /** Context keys iam-simulate dropped as not applicable to the action (the generator should send none). */
  ignoredContextKeys: string[];
  /** Facts about how iam-simulate decided (which layers blocked), as feature-like tags. */
  tags: string[];
  raw: RunSimulationResults;
}

const RESULT_NAMES: Record<string, OracleDecision> = {
  Allowed: 'allow',
  ImplicitlyDenied: 'implicit-deny',
  ExplicitlyDenied: 'explicit-deny',
};

function contextValueToOracle(value: ContextValue): string | string[] | undefined {
  if (value === null) return undefined; // known-absent: iam-simulate has no such notion; leave it out
  if (Array.isArray(value)) return value.map((v) => String(v));
  return String(value);
}

/** The iam-simulate input for a case: the request context plus the keys AWS always sets (`awsContext`). */
export function toSimulation(c: Pick<DiffCase, 'request' | 'policies' | 'awsContext'>): Simulation {
  const { request, policies } = c;
  const contextVariables: Record<string, string | string[]> = {};
  const given = new Set(Object.keys(request.context ?? {}).map((k) => k.toLowerCase()));
  for (const [key, value] of Object.entries(c.awsContext)) {
    if (!given.has(key.toLowerCase())) contextVariables[key] = value;
  }
  for (const [key, value] of Object.entries(request.context ?? {})) {
    const v = contextValueToOracle(value);
    if (v !== undefined) contextVariables[key] = v;
  }
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccountOf(c) },
      contextVariables,
    },
    identityPolicies: (policies.identityPolicies ?? []).map((p) => ({ name: p.id, policy: p.document })),
    serviceControlPolicies: (policies.scps ?? []).map((level, i) => ({
      orgIdentifier: `scp-level-${i}`,
      policies: level.map((p) => ({ name: p.id, policy: p.document })),
    })),
    resourceControlPolicies: (policies.rcps ?? []).map((level, i) => ({
      orgIdentifier: `rcp-level-${i}`,
      policies: level.map((p) => ({ name: p.id, policy: p.document })),
    })),
  };
  if (policies.resourcePolicy) simulation.resourcePolicy = policies.resourcePolicy.document;
  if (policies.permissionsBoundary) {
    simulation.permissionBoundaryPolicies = [
      { name: policies.permissionsBoundary.id, policy: policies.permissionsBoundary.document },
    ];
  }
  if (policies.sessionPolicy) simulation.sessionPolicy = policies.sessionPolicy.document;
  return simulation;
}

/** Runs iam-simulate in Strict mode (the request context is exactly what is given: a missing key is absent). */
export async function runOracle(
  c: Pick<DiffCase, 'request' | 'policies' | 'awsContext'>,
): Promise<OracleAnswer> {
  const raw = await runSimulation(toSimulation(c), { simulationMode: 'Strict' });
  if (raw.resultType === 'error') {
    return { decision: 'error', error: JSON.stringify(raw.errors), ignoredContextKeys: [], tags: [], raw };
  }
  const decision = RESULT_NAMES[raw.overallResult];
  if (!decision) throw new Error(`iam-simulate returned an unknown result ${String(raw.overallResult)}`);
  const tags: string[] = [];
  let ignored: string[] = [];
  if (raw.resultType === 'single') {
    ignored = raw.result.ignoredContextKeys ?? [];
    const analysis = raw.result.analysis;
    for (const blocked of analysis.blockedBy ?? []) tags.push(`oracle:blocked-by:${blocked}`);
    if (analysis.resourceAnalysis) tags.push(`oracle:resource:${analysis.resourceAnalysis.result}`);
    if (analysis.identityAnalysis) tags.push(`oracle:identity:${analysis.identityAnalysis.result}`);
    if (analysis.permissionBoundaryAnalysis)
      tags.push(`oracle:boundary:${analysis.permissionBoundaryAnalysis.result}`);
    if (analysis.sessionAnalysis) tags.push(`oracle:session:${analysis.sessionAnalysis.result}`);
    if (analysis.scpAnalysis) tags.push(`oracle:scp:${analysis.scpAnalysis.result}`);
    if (analysis.rcpAnalysis) tags.push(`oracle:rcp:${analysis.rcpAnalysis.result}`);
  } else {
    tags.push('oracle:wildcard-resource');
  }
  return { decision, ignoredContextKeys: ignored, tags, raw };
}
