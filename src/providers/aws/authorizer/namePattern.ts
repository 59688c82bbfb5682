/**
 * A resource that stands for a set of names (a name CloudFormation generates at deployment, `stack-Table-*`)
 * against a policy's Resource pattern: the pattern covers every name of the set, none of them, or some.
 * Both sides are globs, so the answer is exact language inclusion and intersection over their automata.
 */
import type { PatternToken } from './pattern.js';

/** How a policy pattern relates to the names a resource pattern stands for. */
export type NameRelation = 'all' | 'some' | 'none';

/** One position of a policy pattern: a literal character, `*` (any run) or `?` (one character). */
type PolicyItem = string | 0 | 1;
const P_ANY = 0;
const P_ONE = 1;

/** One position of a resource pattern: a literal character, or a run of characters other than `excluded`. */
type NameItem = string | { excluded: string };

function policyItems(tokens: readonly PatternToken[]): PolicyItem[] {
  const out: PolicyItem[] = [];
  for (const token of tokens) {
    if (token.kind === 'text') out.push(...token.text);
    else if (token.kind === 'any') out.push(P_ANY);
    else if (token.kind === 'one') out.push(P_ONE);
    else throw new Error('namePattern: resolve variables first');
  }
  return out;
}

/**
 * The items of a resource name pattern. A generated suffix holds no `:` or `/`; the object-key `*` that ends an
 * S3 object pattern (a bucket pattern, then a slash and `*`) may hold anything, object keys being free text.
 */
export function nameItems(text: string, objectKeyTail: boolean): NameItem[] {
  const out: NameItem[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '*') out.push(c);
    else if (objectKeyTail && i === text.length - 1 && text[i - 1] === '/') out.push({ excluded: '' });
    else out.push({ excluded: ':/' });
  }
  return out;
}

/** Whether some name of `names` matches `policy` (a product automaton, searched depth first). */
function intersects(policy: PolicyItem[], names: NameItem[]): boolean {
  const n = policy.length;
  const m = names.length;
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  const push = (i: number, j: number): void => {
    const key = i * (m + 1) + j;
    if (!seen.has(key)) {
      seen.add(key);
      stack.push([i, j]);
    }
  };
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    if (i === n && j === m) return true;
    const p = policy[i];
    const r = names[j];
    if (p === P_ANY) push(i + 1, j);
    if (r !== undefined && typeof r !== 'string') push(i, j + 1);
    if (p === undefined || r === undefined) continue;
    const pRun = p === P_ANY;
    const rRun = typeof r !== 'string';
    if (pRun && rRun) continue; // both consuming the same character leads back here
    const compatible = rRun
      ? p === P_ONE || (typeof p === 'string' && !r.excluded.includes(p))
      : pRun || p === P_ONE || p === r;
    if (compatible) push(pRun ? i : i + 1, rRun ? j : j + 1);
  }
  return false;
}

/** Whether every name of `names` matches `policy` (the policy automaton determinised on the fly). */
function covers(policy: PolicyItem[], names: NameItem[]): boolean {
  const n = policy.length;
  const close = (states: Set<number>): Set<number> => {
    for (const i of states) if (policy[i] === P_ANY) states.add(i + 1); // Set iteration sees added items
    return states;
  };
  const step = (states: Set<number>, c: string): Set<number> => {
    const next = new Set<number>();
    for (const i of states) {
      const p = policy[i];
      if (p === P_ANY) next.add(i);
      else if (p === P_ONE || p === c) next.add(i + 1);
    }
    return close(next);
  };
  // A run can produce any literal of the policy, or a character the policy never names (stands for the rest).
  const literals = [...new Set(policy.filter((p): p is string => typeof p === 'string'))];
  const other = '\u0000';
  const seen = new Set<string>();
  const stack: [number, Set<number>][] = [[0, close(new Set([0]))]];
  while (stack.length > 0) {
    const [j, states] = stack.pop() as [number, Set<number>];
    if (states.size === 0) return false; // no way left to match, and the names go on to an end
    const key = `${j}|${[...states].sort((a, b) => a - b).join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = names[j];
    if (r === undefined) {
      if (!states.has(n)) return false;
      continue;
    }
    if (typeof r === 'string') {
      stack.push([j + 1, step(states, r)]);
      continue;
    }
    stack.push([j + 1, states]);
    for (const c of [...literals, other]) if (!r.excluded.includes(c)) stack.push([j, step(states, c)]);
  }
  return true;
}

/** How variable-free policy tokens relate to a resource name pattern's items. */
export function relateNames(tokens: readonly PatternToken[], names: NameItem[]): NameRelation {
  const policy = policyItems(tokens);
  if (covers(policy, names)) return 'all';
  return intersects(policy, names) ? 'some' : 'none';
}
