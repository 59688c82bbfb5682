/**
 * Bypass paths as findings: one per (requester, entry function, resource, denial class, conditional or not; see
 * `bypassGroupKey`), with the actions that reach that resource, the
 * shortest witness path from the requester to the resource, severity, and a stable id.
 */
import { createHash } from 'node:crypto';
import type {
  Decision,
  DecisionReason,
  DenialClass,
  EstateAuthorizer,
  Finding,
  FunctionNode,
  PathStep,
  Severity,
} from '../model/index.js';
import { bypassGroupKey, denialClassOf, type BypassPath } from '../profile/index.js';

/**
 * High for explicit and guardrail denials, medium when conditional. An implicit denial is info, except for an
 * outside requester (anonymous, another account), who is granted nothing of its own: what it reaches is medium
 * (low when conditional), reported without --include-implicit.
 */
function severityOf(denial: DenialClass, conditional: boolean, outside: boolean): Severity {
  if (denial === 'implicit') return outside ? (conditional ? 'low' : 'medium') : 'info';
  return conditional ? 'medium' : 'high';
}

/** A stable id: the same requester, entry, resource and actions give the same id on every scan. */
export function findingId(kind: string, parts: string[]): string {
  return `ARES-${createHash('sha256')
    .update([kind, ...parts].join('\n'))
    .digest('hex')
    .slice(0, 16)}`;
}

/** A path in the `path` shape of findings: requester, event sources and functions, the resource last. */
export function witnessPath(
  path: Pick<BypassPath, 'principal' | 'entry' | 'hops' | 'access'>,
  authorizer: EstateAuthorizer,
): PathStep[] {
  const step = (id: string, edge: string, kind?: string): PathStep => {
    const described = authorizer.describe(id);
    return { id, name: described.name, kind: kind ?? described.kind, edge };
  };
  const steps: PathStep[] = [step(path.principal, 'origin')];
  const enter = (fn: string, resource: string, action: string, via: string): void => {
    if (via === 'invoke') {
      steps.push(step(fn, 'invoke', 'function'));
    } else {
      steps.push(step(resource, action));
      steps.push(step(fn, 'trigger', 'function'));
    }
  };
  enter(path.entry.function, path.entry.resource, path.entry.action, path.entry.via);
  for (const hop of path.hops) enter(hop.edge.to, hop.edge.via.resource, hop.edge.via.action, hop.edge.hop);
  steps.push(step(path.access.resource, path.access.action));
  return steps;
}

/** The statements and layers that deny the requester, across every action of the finding, each once. */
function denialReasons(decisions: Decision[]): DecisionReason[] {
  const out = new Map<string, DecisionReason>();
  for (const decision of decisions) {
    for (const r of decision.reasons) {
      if (r.kind === 'statement' && r.effect !== 'Deny') continue;
      const key =
        r.kind === 'statement'
          ? `${r.policyType}\u0000${r.policy}\u0000${r.statement}`
          : `${r.policyType}\u0000${r.policy ?? ''}\u0000${r.message}`;
      if (!out.has(key)) out.set(key, r);
    }
  }
  return [...out.values()];
}

/** Groups bypass paths into findings, high severity first, then by requester, entry and resource name. */
export function bypassFindings(
  paths: BypassPath[],
  authorizer: EstateAuthorizer,
  functions: ReadonlyMap<string, FunctionNode>,
): Finding[] {
  const groups = new Map<string, BypassPath[]>();
  for (const path of paths) {
    const key = bypassGroupKey(path);
    const list = groups.get(key) ?? [];
    list.push(path);
    groups.set(key, list);
  }
  const outside = new Set(
    authorizer
      .requesters()
      .filter((r) => r.outside === true)
      .map((r) => r.id),
  );
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    // The shortest chain is the witness; ties keep discovery order (nearest holder first).
    const witness = group.reduce((best, p) => (p.hops.length < best.hops.length ? p : best));
    const actions = [...new Set(group.map((p) => p.access.action))].sort();
    const conditions = [...new Set(group.flatMap((p) => p.conditions))].sort();
    const denial = denialClassOf(witness.denial);
    const entryFn = functions.get(witness.entry.function);
    const describe = (id: string) => ({ id, name: authorizer.describe(id).name });
    findings.push({
      id: findingId('privilege-bypass', [
        witness.principal,
        witness.entry.function,
        witness.access.resource,
        ...actions,
        // A conditional finding may share its actions with a definite one on the same resource: keep ids apart.
        ...(conditions.length > 0 ? ['conditional'] : []),
      ]),
      kind: 'privilege-bypass',
      severity: severityOf(denial, conditions.length > 0, outside.has(witness.principal)),
      denial,
      cloud: authorizer.cloud,
      principal: describe(witness.principal),
      entry: describe(witness.entry.function),
      resource: describe(witness.access.resource),
      actions,
      path: witnessPath(witness, authorizer),
      ...(conditions.length > 0 ? { conditions } : {}),
      // The witness's denial first, then what denies the finding's other actions.
      denialReasons: denialReasons([witness.denial, ...group.map((p) => p.denial)]),
      ...(entryFn?.source ? { location: entryFn.source } : {}),
    });
  }
  const rank: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };
  return findings.sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      a.principal.name.localeCompare(b.principal.name) ||
      a.entry.name.localeCompare(b.entry.name) ||
      a.resource.name.localeCompare(b.resource.name),
  );
}

export const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1, info: 0 };
