/**
 * The function-to-function graph: f → g when f may invoke g or write to an event source that triggers g.
 * Strongly connected components collapse cycles; breadth-first search gives the shortest witness path.
 */
import type { Access } from '../model/index.js';

export interface FunctionEdge {
  to: string;
  /** The access that starts `to`: an invoke of it, or a write to its trigger source. */
  via: Access;
  /** `invoke` for a direct call, else the trigger kind. */
  hop: string;
  conditions?: string[];
}

export type FunctionGraph = Map<string, FunctionEdge[]>;

/** Tarjan's algorithm, iterative (chains can be long): the component id of every node, in reverse topological order. */
export function stronglyConnectedComponents(
  nodes: readonly string[],
  graph: FunctionGraph,
): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; edge: number };
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const next = (edges[frame.edge++] as FunctionEdge).to;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, edge: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(next) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.set(member, components);
        } while (member !== frame.node);
        components++;
      }
    }
  }
  return component;
}

/** For one start function: every function it reaches, nearest first, with the edge that first reached it. */
export function shortestPaths(
  start: string,
  graph: FunctionGraph,
): Map<string, { from: string; edge: FunctionEdge } | null> {
  const reached = new Map<string, { from: string; edge: FunctionEdge } | null>([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    for (const edge of graph.get(node) ?? []) {
      if (reached.has(edge.to)) continue;
      reached.set(edge.to, { from: node, edge });
      queue.push(edge.to);
    }
  }
  return reached;
}

/** The chain of edges from `start` to `target` in a `shortestPaths` result. */
export function pathTo(
  target: string,
  reached: Map<string, { from: string; edge: FunctionEdge } | null>,
): { from: string; edge: FunctionEdge }[] {
  const hops: { from: string; edge: FunctionEdge }[] = [];
  let step = reached.get(target);
  while (step) {
    hops.push(step);
    step = reached.get(step.from);
  }
  return hops.reverse();
}
