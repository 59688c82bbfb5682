/**
 * The reference bypass search: obviously correct and slow. Every requester × entry × resource × action of an
 * estate, decided by the engine's `decide` alone (no candidate index, no pre-filter), straight from the
 * definition of a bypass (ARCHITECTURE.md): u starts f through an entry, f reaches (r, a) through any chain of
 * functions, u is denied (r, a). The fast, indexed search must report exactly this set.
 * Rules it encodes beside the engine: a function's reads of its own queue or stream trigger are no reach; an event
 * rule pinning `source` fires only for a PutEvents allowed with one of those sources; a filter no record can pass
 * fires nothing.
 */
import type { Access, Decision, Estate, EstateAuthorizer } from '../../src/model/index.js';
import { POLL_ACTIONS, RESOURCE_ACTIONS, resourceFromArn } from '../../src/providers/aws/estate/index.js';

export interface ReferenceEntry {
  function: string;
  access: Access;
  /** `events:source` values one of which the write must carry (exact-source event rules). */
  sources?: string[];
  /** False when the trigger's filter can match no record. */
  possible: boolean;
}

/** (requester, entry function, resource, action, denial class) as one string. */
export type BypassTuple = string;

export function tuple(u: string, f: string, access: Access, denial: string): BypassTuple {
  return [u, f, access.resource, access.action, denial].join(' | ');
}

const granted = (d: Decision): boolean =>
  d.decision === 'allow' || (d.decision === 'conditional' && d.possibleDecisions.includes('allow'));

/** Every (resource, action) of the universe: each resource id with the actions its type takes. */
export function universe(estate: Estate, namedByPolicies: ReadonlySet<string>): Access[] {
  const ids = new Set([...estate.resources.map((r) => r.id), ...namedByPolicies]);
  const out: Access[] = estate.functions.map((f) => ({ resource: f.id, action: 'lambda:InvokeFunction' }));
  for (const id of ids) {
    const parsed = resourceFromArn(id);
    if (parsed.type === 'object') {
      // An object key pattern policies name: the bucket's object-level actions on it.
      for (const action of RESOURCE_ACTIONS['s3/bucket']?.objectLevel ?? [])
        out.push({ resource: id, action });
      continue;
    }
    const rule = RESOURCE_ACTIONS[`${parsed.service}/${parsed.type}`];
    for (const action of rule?.actions ?? []) out.push({ resource: id, action });
    for (const action of rule?.objectLevel ?? []) out.push({ resource: `${id}/*`, action });
  }
  return out;
}

export function entries(estate: Estate): ReferenceEntry[] {
  const out: ReferenceEntry[] = estate.functions.map((f) => ({
    function: f.id,
    access: { resource: f.id, action: 'lambda:InvokeFunction' },
    possible: true,
  }));
  for (const t of estate.triggers) {
    let sources: string[] | undefined;
    if (t.eventPattern) {
      const source = (JSON.parse(t.eventPattern) as { source?: unknown[] }).source ?? [];
      if (source.every((s) => typeof s === 'string'))
        sources = (source as string[]).filter((s) => !s.startsWith('aws.'));
    }
    // SQS records have a body and no detail: only the generator's body filter can pass.
    const possible = !t.filters || t.filters.some((f) => f.includes('"body"'));
    for (const action of t.firedBy)
      out.push({
        function: t.target,
        access: { resource: t.source, action },
        possible,
        ...(sources ? { sources } : {}),
      });
  }
  return out;
}

/** Whether `principal` fires `entry`: allowed the write, with one of the sources the rule pins when it pins some. */
function fires(authorizer: EstateAuthorizer, principal: string, entry: ReferenceEntry): boolean {
  if (!entry.possible) return false;
  if (!entry.sources) return granted(authorizer.decide(principal, entry.access));
  return entry.sources.some((s) =>
    granted(authorizer.decideWithContext!(principal, entry.access, { 'events:source': s })),
  );
}

function isPoll(estate: Estate, fn: string, access: Access): boolean {
  const service = access.action.split(':')[0] as string;
  return estate.triggers.some(
    (t) =>
      t.target === fn &&
      (t.kind === 'queue' || t.kind === 'stream') &&
      t.source === access.resource &&
      POLL_ACTIONS[service]?.includes(access.action) === true,
  );
}

const GUARDRAILS = new Set(['permissions-boundary', 'session', 'scp', 'rcp']);

function denialOf(d: Decision, includeImplicit: boolean): string | undefined {
  const denyClass = (): string => {
    const denies = d.reasons.filter((r) => r.kind === 'statement' && r.effect === 'Deny');
    if (denies.length === 0) return 'implicit';
    return denies.some((r) => !GUARDRAILS.has(r.policyType)) ? 'explicit' : 'guardrail';
  };
  switch (d.decision) {
    case 'allow':
      return undefined;
    case 'explicit-deny':
      return denyClass();
    case 'implicit-deny': {
      const guardrail = d.reasons.some((r) => r.kind === 'no-allow' && GUARDRAILS.has(r.policyType));
      return guardrail ? 'guardrail' : includeImplicit ? 'implicit' : undefined;
    }
    case 'conditional':
      if (d.possibleDecisions.includes('explicit-deny')) return denyClass();
      return includeImplicit && d.possibleDecisions.includes('implicit-deny') ? denyClass() : undefined;
  }
}

export interface ReferenceResult {
  bypasses: Set<BypassTuple>;
  /** Granted (requester or function identity, resource, action), for the index supersets. */
  reach: Map<string, Access[]>;
  invokers: Map<string, Set<string>>;
  decisions: number;
}

export function referenceSearch(
  estate: Estate,
  authorizer: EstateAuthorizer,
  users: readonly string[],
  namedByPolicies: ReadonlySet<string>,
  includeImplicit: boolean,
): ReferenceResult {
  let decisions = 0;
  const decide = (p: string, a: Access): Decision => {
    decisions++;
    return authorizer.decide(p, a);
  };
  const accesses = universe(estate, namedByPolicies);
  const allEntries = entries(estate);
  const reach = new Map<string, Access[]>();
  for (const f of estate.functions) {
    reach.set(
      f.id,
      accesses.filter(
        (a) => f.identity !== undefined && !isPoll(estate, f.id, a) && granted(decide(f.identity, a)),
      ),
    );
  }
  // f → g when f's identity fires one of g's entries.
  const next = new Map<string, Set<string>>();
  for (const f of estate.functions) {
    const out = new Set<string>();
    for (const e of allEntries) {
      const reaches = reach
        .get(f.id)!
        .some((a) => a.resource === e.access.resource && a.action === e.access.action);
      if (reaches && fires(authorizer, f.identity!, e)) out.add(e.function);
    }
    next.set(f.id, out);
  }
  const closure = (start: string): Set<string> => {
    const seen = new Set([start]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const g of next.get(queue[i]!) ?? []) {
        if (seen.has(g)) continue;
        seen.add(g);
        queue.push(g);
      }
    }
    return seen;
  };
  // Outside requesters (anonymous, other accounts) have no policies of their own to deny with: what they reach is
  // an implicit denial, and it is reported whether or not implicit denials are asked for.
  const outside = new Set(authorizer.requesters().filter((r) => r.outside === true).map((r) => r.id));
  const bypasses = new Set<BypassTuple>();
  const invokers = new Map<string, Set<string>>();
  for (const u of users) {
    for (const e of allEntries) {
      if (!fires(authorizer, u, e)) continue;
      const key = `${e.access.resource}\u0000${e.access.action}`;
      const list = invokers.get(key) ?? new Set<string>();
      list.add(u);
      invokers.set(key, list);
      for (const holder of closure(e.function)) {
        for (const a of reach.get(holder)!) {
          if (a.resource === e.access.resource && a.action === e.access.action) continue;
          const denial = denialOf(decide(u, a), includeImplicit || outside.has(u));
          if (denial) bypasses.add(tuple(u, e.function, a, denial));
        }
      }
    }
  }
  return { bypasses, reach, invokers, decisions };
}
