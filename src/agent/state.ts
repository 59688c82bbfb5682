/**
 * Per-invocation state in `AsyncLocalStorage`: who the invocation acts for and the context to pass on. Concurrent
 * invocations of one process (Cloud Run, Azure, Lambda managed instances) each see their own; nothing lives in a
 * module global.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FunctionBlocks } from '../model/blockTable.js';
import type { AgentLogger } from './logger.js';
import type { RequesterSource } from './requester.js';

export type AgentMode = 'pre-handler' | 'call';

export interface InvocationState {
  /** This function's id. */
  readonly functionId: string;
  /** The origin principal id; undefined when the requester is unknown. */
  readonly origin: string | undefined;
  /** Where the requester came from. */
  readonly source: RequesterSource;
  /** The verified caller-context token, when the requester came from one (agents pass it on; they cannot sign). */
  readonly token: string | undefined;
  /** The unsigned hops appended to the token so far. */
  readonly hops: readonly string[];
  /** This function's block-table entry (for call mode). */
  readonly entry: FunctionBlocks | undefined;
  readonly mode: AgentMode;
  readonly logger: AgentLogger;
  /** Partition, region and account of this function, to turn names in SDK calls into ARNs (call mode). */
  readonly scope: ResourceScope;
  /**
   * Mints (once per audience) the hop token that vouches for this invocation's origin to `audience`: the function
   * invoked, or the queue, topic or bus written. Absent when there is no origin to vouch for.
   */
  vouch?: (audience: string) => Promise<string | undefined>;
}

export interface ResourceScope {
  partition: string;
  region: string | undefined;
  account: string | undefined;
}

const storage = new AsyncLocalStorage<InvocationState>();

/** The state of the wrapped invocation this code runs in, if any. */
export function currentInvocation(): InvocationState | undefined {
  return storage.getStore();
}

export function runInvocation<T>(state: InvocationState, fn: () => T): T {
  return storage.run(state, fn);
}
