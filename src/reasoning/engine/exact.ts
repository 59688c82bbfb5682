/**
 * The exact answer every verdict is checked against, read from the profile snapshot's bypass findings (which the
 * exact search produced), with the run-time service's semantics: origin u is blocked at f when some bypass of u
 * has its denied access performed by f (f is the last function of the witness path); with no requester, f blocks
 * when it is a conduit (the entry of some bypass). An allow names the later hops where u's bypasses are stopped.
 */
import type { BlockedAccess, Finding, ProfileSnapshot } from '../../model/index.js';
import { resolvePrincipalId, unqualifiedFunctionArn } from '../../profile/index.js';
import type { Invocation, Verdict } from './types.js';

export interface ExactAnswer extends Verdict {
  /** The denied accesses the block point would perform for the origin (what enters the block table). */
  accesses: BlockedAccess[];
}

export interface ExactProfile {
  readonly version: string;
  /** A function id for an id, name or qualified ARN; undefined when the profile does not know it. */
  functionId(ref: string): string | undefined;
  /** A principal id for an ARN, name or role session; an unknown identity is returned as given. */
  principalId(ref: string): string;
  functionName(id: string): string;
  answer(invocation: Invocation): ExactAnswer;
}

function lookup(map: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** The function that performs the access: the last function on the path. */
export function holderOf(finding: Finding): string {
  const fns = finding.path.filter((s) => s.kind === 'function');
  return fns[fns.length - 1]?.id ?? finding.entry.id;
}

function onPath(finding: Finding, fnId: string): boolean {
  return finding.path.some((s) => s.kind === 'function' && s.id === fnId);
}

/** Shortest witness first, then by id, so the same question always gets the same witness. */
function byWitness(a: Finding, b: Finding): number {
  return a.path.length - b.path.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function exactProfile(snapshot: ProfileSnapshot): ExactProfile {
  const table = snapshot.blockTable;
  const names = new Map(Object.values(table.functions).map((f) => [f.function, f.name]));
  const functionId = (ref: string): string | undefined => {
    if (Object.hasOwn(table.functions, ref)) return ref;
    const id = lookup(table.functionIds, ref) ?? lookup(table.functionIds, unqualifiedFunctionArn(ref));
    return id !== undefined && Object.hasOwn(table.functions, id) ? id : undefined;
  };
  const principalId = (ref: string): string => {
    const direct = lookup(table.principalIds, ref);
    if (direct !== undefined) return direct;
    const viaSession = resolvePrincipalId(table, ref);
    return typeof viaSession === 'string' ? viaSession : ref;
  };
  const functionName = (id: string): string => names.get(id) ?? id;

  const answer = (invocation: Invocation): ExactAnswer => {
    const fnId = functionId(invocation.function);
    if (fnId === undefined)
      return {
        decision: 'allow',
        reason: `function "${invocation.function}" is not in profile ${snapshot.version}: nothing known to block`,
        accesses: [],
      };
    const fnName = functionName(fnId);
    if (invocation.principal === undefined) {
      // The decision service's rule: with no verifiable requester, block where an origin blocked here can arrive
      // unvouched (tables compiled before that rule: at conduits).
      const unvouched = table.functions[fnId]?.unvouched;
      if (unvouched !== undefined) {
        const arriving = snapshot.findings
          .filter((f) => unvouched.includes(f.principal.id) && holderOf(f) === fnId)
          .sort(byWitness);
        if (unvouched.length === 0)
          return {
            decision: 'allow',
            reason: `no requester, and no origin blocked at ${fnName} arrives there unvouched`,
            accesses: [],
          };
        return {
          decision: 'block',
          blockPoint: fnId,
          ...(arriving[0] ? { path: arriving[0].path } : {}),
          reason: `no verifiable requester where ${unvouched.length} blocked origin(s) can arrive unvouched`,
          findingIds: arriving.map((f) => f.id),
          accesses: [],
        };
      }
      const entering = snapshot.findings.filter((f) => f.entry.id === fnId).sort(byWitness);
      const first = entering[0];
      if (!first)
        return { decision: 'allow', reason: `no requester, and ${fnName} is not a conduit`, accesses: [] };
      return {
        decision: 'block',
        blockPoint: fnId,
        path: first.path,
        reason: `no verifiable requester at a conduit: ${fnName} is the entry of ${entering.length} bypass path(s)`,
        findingIds: entering.map((f) => f.id),
        accesses: [],
      };
    }
    const origin = principalId(invocation.principal);
    const mine = snapshot.findings
      .filter((f) => f.principal.id === origin && onPath(f, fnId))
      .sort(byWitness);
    const here = mine.filter((f) => holderOf(f) === fnId);
    const witness = here[0];
    if (!witness) {
      const later = [...new Set(mine.map((f) => functionName(holderOf(f))))];
      return {
        decision: 'allow',
        reason:
          `${invocation.principal} is not blocked at ${fnName}` +
          (later.length === 0
            ? ': no bypass path of theirs has its denied access here'
            : `; the bypasses through it are stopped later, at ${later.join(', ')}`),
        accesses: [],
      };
    }
    const accesses = here.flatMap((f) =>
      f.actions.map((action) => ({ resource: f.resource.id, action, denial: f.denial, findingId: f.id })),
    );
    return {
      decision: 'block',
      blockPoint: fnId,
      path: witness.path,
      reason:
        `${witness.principal.name} is denied (${witness.denial}) ${witness.actions.join(', ')} on ` +
        `${witness.resource.name}, which ${fnName} performs on their behalf: block at ${fnName}`,
      findingIds: here.map((f) => f.id),
      accesses,
    };
  };
  return { version: snapshot.version, functionId, principalId, functionName, answer };
}
