/**
 * Whether a principal (a requester, or a function's identity) fires an entry point. An entry may require request
 * context (an event rule that matches only some `events:source` values): a write the principal may make only with
 * other values fires nothing, so the decision is taken value by value, and the first that grants it wins.
 */
import type { Decision, EntryPoint, EstateAuthorizer } from '../model/index.js';

/** More combinations than this are not enumerated: the decision without them stays (possibly conditional). */
const MAX_COMBINATIONS = 64;

/** Allowed, or allowed for some values of the context keys it names. */
export function grants(decision: Decision): { granted: boolean; conditions?: string[] } {
  if (decision.decision === 'allow') return { granted: true };
  if (decision.decision === 'conditional' && decision.possibleDecisions.includes('allow')) {
    return { granted: true, conditions: decision.missingContextKeys };
  }
  return { granted: false };
}

/** Every choice of one value per key, or undefined when there are too many. */
function combinations(context: Record<string, string[]>): Record<string, string>[] | undefined {
  let out: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(context)) {
    out = out.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value })));
    if (out.length > MAX_COMBINATIONS) return undefined;
  }
  return out;
}

export function decideEntry(authorizer: EstateAuthorizer, principal: string, entry: EntryPoint): Decision {
  const access = { resource: entry.resource, action: entry.action };
  const plain = authorizer.decide(principal, access);
  // Only a decision that waits on context can change when the entry's required values are given.
  if (plain.decision !== 'conditional' || !entry.context || !authorizer.decideWithContext) return plain;
  const choices = combinations(entry.context);
  if (!choices) return plain;
  let best: Decision | undefined;
  for (const context of choices) {
    const decision = authorizer.decideWithContext(principal, access, context);
    if (decision.decision === 'allow') return decision;
    if (best === undefined || (grants(decision).granted && !grants(best).granted)) best = decision;
  }
  return best ?? plain;
}
