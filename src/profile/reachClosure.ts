/**
 * Transitive ServiceReach: what a function reaches through every function it invokes or triggers, with cycles
 * collapsed into their strongly connected components so each component's closure is computed once.
 */
import type { Access } from '../model/index.js';
import { stronglyConnectedComponents } from './functionGraph.js';
import { accessKey, type ReachabilityProfile } from './reachabilityProfile.js';

export class ReachClosure {
  private readonly component: Map<string, number>;
  private readonly members = new Map<number, string[]>();
  private readonly closures = new Map<number, Map<string, Access>>();

  constructor(private readonly profile: ReachabilityProfile) {
    this.component = stronglyConnectedComponents([...profile.reach.keys()], profile.graph);
    for (const [fn, c] of this.component) {
      const list = this.members.get(c) ?? [];
      list.push(fn);
      this.members.set(c, list);
    }
  }

  /** Every access `fn` reaches, directly or through other functions. */
  accessesOf(fn: string): Access[] {
    const c = this.component.get(fn);
    return c === undefined ? [] : [...this.closureOf(c).values()];
  }

  /** Components are numbered sinks first, so successors are closed before the components that reach them. */
  private closureOf(c: number): Map<string, Access> {
    const done = this.closures.get(c);
    if (done) return done;
    const order: number[] = [];
    const stack = [c];
    const seen = new Set<number>([c]);
    while (stack.length > 0) {
      const next = stack.pop() as number;
      order.push(next);
      for (const succ of this.successors(next)) {
        if (!seen.has(succ) && !this.closures.has(succ)) {
          seen.add(succ);
          stack.push(succ);
        }
      }
    }
    order.sort((a, b) => a - b);
    for (const comp of order) {
      const closure = new Map<string, Access>();
      for (const fn of this.members.get(comp) ?? []) {
        for (const edge of this.profile.reach.get(fn) ?? []) closure.set(accessKey(edge.access), edge.access);
      }
      for (const succ of this.successors(comp)) {
        for (const [key, access] of this.closures.get(succ) ?? []) closure.set(key, access);
      }
      this.closures.set(comp, closure);
    }
    return this.closures.get(c) as Map<string, Access>;
  }

  private successors(c: number): number[] {
    const out = new Set<number>();
    for (const fn of this.members.get(c) ?? []) {
      for (const edge of this.profile.graph.get(fn) ?? []) {
        const succ = this.component.get(edge.to);
        if (succ !== undefined && succ !== c) out.add(succ);
      }
    }
    return [...out];
  }
}
