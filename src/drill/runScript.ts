/**
 * A drill run's script: a witness path (requester → entry → functions → resource) read as what each function on it
 * does when the run reaches it: pass the request on to the next hop, or, at the last function, perform the access.
 */
import type { Access, PathStep } from '../model/index.js';

/** How a request enters the first function: a direct invoke of it, or a write to its event source. */
export interface ScriptEntry {
  function: string;
  /** The function itself for a direct invoke, else the event source. */
  access: Access;
  direct: boolean;
}

/** What one function on the path does next. */
export type ScriptStep = { next: Access } | { harm: Access };

export interface RunScript {
  /** The requester's principal id. */
  principal: string;
  entry: ScriptEntry;
  /** Function id → what it does when the run reaches it. */
  steps: Map<string, ScriptStep>;
  /** Names along the path, for the report. */
  names: string[];
}

/** Reads a path in the `path` shape of findings. Returns undefined for a path that does not have that shape. */
export function scriptOf(path: readonly PathStep[]): RunScript | undefined {
  const origin = path[0];
  if (!origin || path.length < 3) return undefined;
  const functions: { id: string; arrival: Access }[] = [];
  for (let i = 1; i < path.length - 1; i++) {
    const step = path[i] as PathStep;
    if (step.kind !== 'function') continue;
    if (step.edge === 'invoke') {
      functions.push({ id: step.id, arrival: { resource: step.id, action: 'lambda:InvokeFunction' } });
    } else {
      const source = path[i - 1] as PathStep;
      functions.push({ id: step.id, arrival: { resource: source.id, action: source.edge } });
    }
  }
  const last = path[path.length - 1] as PathStep;
  const first = functions[0];
  if (!first) return undefined;
  const steps = new Map<string, ScriptStep>();
  functions.forEach((fn, i) => {
    const next = functions[i + 1];
    steps.set(fn.id, next ? { next: next.arrival } : { harm: { resource: last.id, action: last.edge } });
  });
  return {
    principal: origin.id,
    entry: { function: first.id, access: first.arrival, direct: first.arrival.resource === first.id },
    steps,
    names: path.map((s) => s.name),
  };
}
