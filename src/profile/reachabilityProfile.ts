/** The Application Reachability Profile of an estate: the relations the bypass search and run-time blocking read. */
import type { Access, Cloud, EstateError, Principal, ReachEdge, UserInvoke } from '../model/index.js';
import type { FunctionGraph } from './functionGraph.js';

export interface ProfileStats {
  requesters: number;
  functions: number;
  resources: number;
  entryPoints: number;
  userInvoke: number;
  reachEdges: number;
  functionEdges: number;
  /** Exact authorizer evaluations performed (the indexes keep this far below the blind product). */
  evaluations: number;
  buildMs: number;
}

export interface ReachabilityProfile {
  cloud: Cloud;
  requesters: Principal[];
  /** UserInvoke: who may start which function, and how. */
  userInvoke: UserInvoke[];
  /** ServiceReach, one hop: what each function's identity may do (allowed or conditional). */
  reach: Map<string, ReachEdge[]>;
  /** The hops of ServiceReach that start another function. */
  graph: FunctionGraph;
  errors: EstateError[];
  stats: ProfileStats;
}

export function accessKey(access: Access): string {
  return `${access.action}\u0000${access.resource}`;
}
