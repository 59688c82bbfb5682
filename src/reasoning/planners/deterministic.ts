/**
 * The default planner, no model: asks the profile the questions a careful analyst would, in order. Does the
 * requester start the function (list_user_invoke)? What does the function reach, itself and through the functions
 * it starts (list_service_reach, transitive)? What is the requester denied (list_user_deny)? The intersection is
 * what a bypass could take; find_bypass_paths then gives the witness path, and the block point is the function
 * that performs the denied access. With no requester, the function blocks where some origin is blocked.
 */
import type { PathStep } from '../../model/index.js';
import type { Invocation, Verdict } from '../engine/types.js';
import type { Observation, Planner, PlannerMove, PlannerSession } from './planner.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const ref = (v: unknown): { id: string; name: string } =>
  isRec(v) ? { id: str(v.id), name: str(v.name) } : { id: '', name: '' };

interface FindingLike {
  id: string;
  path: PathStep[];
  principal: string;
  resource: string;
  actions: string[];
}

function findingsOf(structured: unknown): FindingLike[] {
  if (!isRec(structured)) return [];
  return arr(structured.findings)
    .filter(isRec)
    .map((f) => ({
      id: str(f.id),
      path: arr(f.path)
        .filter(isRec)
        .map((s) => ({ id: str(s.id), name: str(s.name), kind: str(s.kind), edge: str(s.edge) })),
      principal: ref(f.principal).name,
      resource: ref(f.resource).name,
      actions: arr(f.actions).map(str),
    }));
}

function holderOf(path: PathStep[]): string | undefined {
  const fns = path.filter((s) => s.kind === 'function');
  return fns[fns.length - 1]?.id;
}

const accessKey = (item: unknown): string =>
  isRec(item) ? `${str(item.action)}\u0000${ref(item.resource).id}` : '';

/** The facts gathered so far, filled in step by step. */
interface Facts {
  fn?: { id: string; name: string };
  starts?: boolean;
  /** Denied accesses the function reaches, with the function that performs each. */
  exposed?: { access: string; holder: { id: string; name: string } }[];
}

function session(invocation: Invocation): PlannerSession {
  const { principal } = invocation;
  const fnRef = invocation.function;
  const facts: Facts = {};
  let reach: unknown[] = [];
  let step = 0;
  const call = (tool: string, args: Rec, thought: string): PlannerMove => ({
    kind: 'call',
    tool,
    args,
    thought,
  });
  const conclude = (verdict: Verdict, thought?: string): PlannerMove => ({
    kind: 'conclude',
    verdict,
    ...(thought === undefined ? {} : { thought }),
  });

  const next = (observation: Observation | undefined): PlannerMove => {
    if (observation?.kind === 'error' || (observation?.kind === 'result' && observation.result.isError)) {
      const problem = observation.kind === 'error' ? observation.problem : observation.result.text;
      return conclude({ decision: 'allow', reason: `the profile cannot place this invocation: ${problem}` });
    }
    const got = observation?.kind === 'result' ? observation.result.structured : undefined;
    step += 1;
    if (principal === undefined) {
      if (step === 1)
        return call(
          'find_bypass_paths',
          { function: fnRef },
          'no requester: is the function the entry of some bypass?',
        );
      // The run-time rule: with no verifiable requester, block where some origin is blocked (the function that
      // performs its denied access); whether that origin could arrive vouched is the exact profile's to say.
      const at = findingsOf(got).filter((f) => {
        const fns = f.path.filter((s) => s.kind === 'function');
        const holder = fns[fns.length - 1];
        return holder !== undefined && (holder.id === fnRef || holder.name === fnRef);
      });
      const first = at[0];
      if (!first)
        return conclude({ decision: 'allow', reason: `no requester, and no origin is blocked at ${fnRef}` });
      const fns = first.path.filter((s) => s.kind === 'function');
      const holder = fns[fns.length - 1];
      return conclude({
        decision: 'block',
        ...(holder ? { blockPoint: holder.id } : {}),
        path: first.path,
        reason: `no verifiable requester where ${at.length} bypass path(s) are stopped: ${fnRef}`,
        findingIds: at.map((f) => f.id),
      });
    }
    switch (step) {
      case 1:
        return call('list_user_invoke', { principal }, `does ${principal} start ${fnRef}?`);
      case 2: {
        const first = invocation.chain?.[0] ?? fnRef;
        const invokes = isRec(got)
          ? arr(got.invokes)
              .filter(isRec)
              .map((i) => ref(i.function))
          : [];
        facts.starts = invokes.some((f) => f.id === first || f.name === first);
        return call(
          'list_service_reach',
          { function: fnRef, transitive: true },
          facts.starts
            ? `${principal} starts ${first}; next: what ${fnRef} reaches`
            : `${principal} does not start ${first} directly; it may still arrive through an event source: what does ${fnRef} reach?`,
        );
      }
      case 3: {
        if (isRec(got)) {
          facts.fn = ref(got.function);
          reach = arr(got.reach);
        }
        if (reach.length === 0)
          return conclude(
            { decision: 'allow', reason: `${fnRef} reaches nothing: no bypass can pass through it` },
            `${fnRef} reaches nothing`,
          );
        return call(
          'list_user_deny',
          { principal },
          `${fnRef} reaches ${reach.length} access(es); what is ${principal} denied?`,
        );
      }
      case 4: {
        const denied = new Set((isRec(got) ? arr(got.denied) : []).map(accessKey));
        facts.exposed = reach
          .filter((r) => denied.has(accessKey(r)))
          .map((r) => ({ access: accessKey(r), holder: ref(isRec(r) ? r.holder : undefined) }));
        if (facts.exposed.length === 0)
          return conclude(
            { decision: 'allow', reason: `${principal} is denied nothing that ${fnRef} reaches` },
            'the intersection of reach and denial is empty',
          );
        const holders = [...new Set(facts.exposed.map((e) => e.holder.name))];
        return call(
          'find_bypass_paths',
          { principal, function: fnRef },
          `${principal} is denied ${facts.exposed.length} access(es) that ${holders.join(', ')} perform(s); find the witness path`,
        );
      }
      default: {
        const fnId = facts.fn?.id ?? fnRef;
        const name = facts.fn?.name ?? fnRef;
        const found = findingsOf(got);
        const here = found
          .filter((f) => holderOf(f.path) === fnId)
          .sort((a, b) => a.path.length - b.path.length);
        const witness = here[0];
        if (!witness) {
          const later = [
            ...new Set(found.map((f) => f.path.filter((s) => s.kind === 'function').at(-1)?.name ?? '?')),
          ];
          return conclude({
            decision: 'allow',
            reason:
              found.length === 0
                ? `no bypass path of ${principal} passes through ${name}`
                : `${principal} is not blocked at ${name}; the bypasses through it are stopped later, at ${later.join(', ')}`,
          });
        }
        return conclude(
          {
            decision: 'block',
            blockPoint: fnId,
            path: witness.path,
            reason: `${witness.principal} is denied ${witness.actions.join(', ')} on ${witness.resource}, which ${name} performs on their behalf (${witness.path.map((s) => s.name).join(' → ')}): block at ${name}`,
            findingIds: here.map((f) => f.id),
          },
          `bypass proven: ${witness.path.map((s) => s.name).join(' → ')}`,
        );
      }
    }
  };
  return { next: (observation) => Promise.resolve(next(observation)) };
}

export function deterministicPlanner(): Planner {
  return { name: 'deterministic', start: (task) => session(task.invocation) };
}
