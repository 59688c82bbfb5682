/**
 * How a requester is denied an access (explicit, guardrail, implicit), and the key that groups bypass paths into one
 * finding. Profile-level facts: the findings and the block table both group by them.
 */
import type { Decision, DenialClass, Finding } from '../model/index.js';
import type { BypassPath } from './findBypassPaths.js';

const GUARDRAILS = new Set(['permissions-boundary', 'session', 'scp', 'rcp']);

/** explicit: a Deny in the requester's or the resource's own policy; guardrail: boundary, session policy, SCP, RCP. */
export function denialClassOf(decision: Decision): DenialClass {
  if (decision.decision === 'implicit-deny') {
    return decision.reasons.some((r) => r.kind === 'no-allow' && GUARDRAILS.has(r.policyType))
      ? 'guardrail'
      : 'implicit';
  }
  const denies = decision.reasons.filter((r) => r.kind === 'statement' && r.effect === 'Deny');
  if (denies.length === 0) return 'implicit';
  return denies.some((r) => !GUARDRAILS.has(r.policyType)) ? 'explicit' : 'guardrail';
}

/**
 * What makes bypass paths one finding: requester, entry function, resource, denial class, and whether the path
 * holds only under conditions. The last keeps an action reached unconditionally out of a conditional (medium)
 * finding, whose actions would otherwise read as needing the other actions' conditions. Exposed so the block table
 * can name, for each path, the finding that proves it (`findingGroupKey` gives the same key from a finding).
 */
export function bypassGroupKey(path: BypassPath): string {
  return groupKey(
    path.principal,
    path.entry.function,
    path.access.resource,
    denialClassOf(path.denial),
    path.conditions.length > 0,
  );
}

/** The grouping key of a finding made by `bypassFindings`; equal to `bypassGroupKey` of each path in its group. */
export function findingGroupKey(finding: Finding): string {
  return groupKey(
    finding.principal.id,
    finding.entry.id,
    finding.resource.id,
    finding.denial,
    (finding.conditions?.length ?? 0) > 0,
  );
}

function groupKey(
  principal: string,
  entry: string,
  resource: string,
  denial: DenialClass,
  conditional: boolean,
): string {
  return [principal, entry, resource, denial, conditional ? 'conditional' : 'definite'].join('\u0000');
}
