/**
 * A profile snapshot as the server holds it in memory: the snapshot plus the indexes decisions need. One object
 * per version, never mutated; a reload replaces the reference, so a request keeps the one it started with.
 */
import type { Finding, FunctionBlocks, ProfileSnapshot } from '../model/index.js';
import { lookupGeneratedName } from '../profile/index.js';

export interface LoadedProfile {
  readonly snapshot: ProfileSnapshot;
  readonly version: string;
  readonly findingsById: ReadonlyMap<string, Finding>;
  /** Resource id → name, from the findings (for reasons people read). */
  readonly resourceNames: ReadonlyMap<string, string>;
}

export function indexProfile(snapshot: ProfileSnapshot): LoadedProfile {
  return {
    snapshot,
    version: snapshot.version,
    findingsById: new Map(snapshot.findings.map((f) => [f.id, f])),
    resourceNames: new Map(snapshot.findings.map((f) => [f.resource.id, f.resource.name])),
  };
}

const QUALIFIED_LAMBDA_ARN = /^(arn:aws[\w-]*:lambda:[^:]*:\d*:function:[^:]+):[^:]+$/;

/** A function by id, name, or qualified ARN (`…:function:NAME:alias`). */
export function resolveFunction(profile: LoadedProfile, ref: string): FunctionBlocks | undefined {
  const { functions, functionIds } = profile.snapshot.blockTable;
  const direct = Object.hasOwn(functions, ref) ? functions[ref] : undefined;
  if (direct) return direct;
  const byName = Object.hasOwn(functionIds, ref) ? functionIds[ref] : undefined;
  if (byName !== undefined && Object.hasOwn(functions, byName)) return functions[byName];
  const unqualified = QUALIFIED_LAMBDA_ARN.exec(ref)?.[1];
  if (unqualified !== undefined) return resolveFunction(profile, unqualified);
  // A name CloudFormation generated (`stack-Fn-1A2B...`) meets the profile's `stack-Fn-*`.
  const generated = lookupGeneratedName(functionIds, ref);
  return generated !== undefined && Object.hasOwn(functions, generated) ? functions[generated] : undefined;
}

const SESSION_ARN = /^(arn:aws[\w-]*:sts::\d*:assumed-role\/[^/]+)\/.+$/;
const UNIQUE_ID_SESSION = /^(A[A-Z0-9]{8,}):.+$/;

/**
 * The principal id a run-time identity stands for: by ARN, name or unique id through `principalIds`; a role
 * session (`…:assumed-role/NAME/SESSION`, or `AROA…:SESSION`) by its role. An identity the profile does not know
 * is still a requester: it is returned as given, with `known: false`.
 */
export function resolvePrincipal(profile: LoadedProfile, identity: string): { id: string; known: boolean } {
  const { principalIds } = profile.snapshot.blockTable;
  const lookup = (key: string): string | undefined =>
    Object.hasOwn(principalIds, key) ? principalIds[key] : undefined;
  const session = SESSION_ARN.exec(identity)?.[1] ?? UNIQUE_ID_SESSION.exec(identity)?.[1];
  const id =
    lookup(identity) ??
    (session === undefined ? undefined : lookup(session)) ??
    lookupGeneratedName(principalIds, session ?? identity);
  return id === undefined ? { id: identity, known: false } : { id, known: true };
}
