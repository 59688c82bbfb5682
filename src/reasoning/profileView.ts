/**
 * The profile as questions and answers: loads one snapshot (with its estate), rebuilds the authorizer, the
 * reachability profile, its closure and the findings once, and answers the questions the MCP tools and the
 * reasoning engine ask. Pure and synchronous after construction; names, ARNs and ids are accepted everywhere.
 */
import type {
  Access,
  Decision,
  DenialClass,
  Finding,
  FunctionNode,
  NamedRef,
  PathStep,
  Principal,
  ProfileSnapshot,
  Severity,
} from '../model/index.js';
import { bypassFindings, SEVERITY_RANK } from '../findings/index.js';
import {
  accessKey,
  buildProfile,
  denialClassOf,
  findBypassPaths,
  ReachClosure,
  shortestPaths,
  type ReachabilityProfile,
} from '../profile/index.js';
import {
  createAwsEstateAuthorizer,
  type AwsEstateAuthorizer,
} from '../providers/aws/estateAuthorizer/index.js';
import type { ContextValue } from '../providers/aws/types.js';
import { decide as decideAtRuntime } from '../runtime/decide.js';
import { indexProfile, type LoadedProfile } from '../runtime/loadedProfile.js';

export type NameKind = 'principal' | 'function' | 'resource';

/** A name, ARN or id the profile does not know; `candidates` are the closest known names. */
export class UnknownNameError extends Error {
  override readonly name = 'UnknownNameError';
  constructor(
    readonly kind: NameKind,
    readonly value: string,
    readonly candidates: string[],
  ) {
    super(
      `unknown ${kind} "${value}"${candidates.length > 0 ? `; did you mean ${candidates.map((c) => `"${c}"`).join(', ')}?` : ''}`,
    );
  }
}

/** The snapshot cannot be questioned: it was written before snapshots carried their estate. */
export class NoEstateError extends Error {
  override readonly name = 'NoEstateError';
  constructor(readonly version: string) {
    super(`profile ${version} carries no estate; rescan with 'ares scan --save' to question it`);
  }
}

export interface NamedKindRef extends NamedRef {
  kind: string;
}

export interface InvokeAnswer {
  function: NamedRef;
  /** What the requester acts on to start it: the function itself, or its event source. */
  entry: { resource: NamedKindRef; action: string; via: string };
  conditions?: string[];
}

export interface ReachAnswer {
  resource: NamedKindRef;
  action: string;
  /** The function whose identity performs the access (itself, or one it invokes or triggers). */
  holder: NamedRef;
  /** The function the access starts, when it invokes one or writes to its trigger source. */
  starts?: NamedRef;
  conditions?: string[];
}

export interface DenyAnswer {
  resource: NamedKindRef;
  action: string;
  denial: DenialClass;
  decision: Decision['decision'];
  reasons: Decision['reasons'];
}

export interface ExplainAnswer {
  decision: 'allow' | 'block';
  principal: NamedRef;
  function: NamedRef;
  reason: string;
  /** The witness path of the bypass a block stops. */
  path?: PathStep[];
  blockPoint?: NamedRef;
  /** The findings that prove the bypass blocked here. */
  findings: string[];
  /**
   * When allowed here: the bypasses that enter at this function and are stopped at a later hop (block points and
   * findings), so an allow here is never read as "the chain is safe".
   */
  downstream: { blockPoint: NamedRef; findings: string[] }[];
}

export interface SimulateAnswer {
  principal: NamedRef;
  action: string;
  resource: NamedKindRef;
  decision: Decision;
}

export interface ProfileSummary {
  version: string;
  createdAt: string;
  counts: {
    requesters: number;
    functions: number;
    resources: number;
    userInvoke: number;
    reachEdges: number;
    functionEdges: number;
    findings: number;
    bySeverity: Record<Severity, number>;
  };
  topFindings: {
    id: string;
    severity: Severity;
    denial: DenialClass;
    principal: string;
    entry: string;
    resource: string;
    actions: string[];
  }[];
}

const QUALIFIED_LAMBDA_ARN = /^(arn:aws[\w-]*:lambda:[^:]*:\d*:function:[^:]+):[^:]+$/;

/** Edit distance, for close candidates of a misspelt name. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** Resolves names, ARNs and ids of one kind: exact id, exact name, then a unique case-insensitive name. */
class NameIndex<T extends { id: string; name: string }> {
  private readonly byKey = new Map<string, T>();
  private readonly byFolded = new Map<string, T[]>();

  constructor(
    private readonly kind: NameKind,
    private readonly items: readonly T[],
  ) {
    for (const item of items) {
      this.byKey.set(item.id, item);
      if (!this.byKey.has(item.name)) this.byKey.set(item.name, item);
      const folded = item.name.toLowerCase();
      this.byFolded.set(folded, [...(this.byFolded.get(folded) ?? []), item]);
    }
  }

  find(ref: string): T | undefined {
    const exact = this.byKey.get(ref) ?? this.byKey.get(QUALIFIED_LAMBDA_ARN.exec(ref)?.[1] ?? '');
    if (exact) return exact;
    const folded = this.byFolded.get(ref.toLowerCase());
    return folded?.length === 1 ? folded[0] : undefined;
  }

  resolve(ref: string): T {
    const found = this.find(ref);
    if (found) return found;
    throw new UnknownNameError(this.kind, ref, this.candidates(ref));
  }

  /** Up to five names nearest to `ref`: those containing it (or contained in it) first, then by edit distance. */
  candidates(ref: string): string[] {
    const want = ref.toLowerCase();
    const scored = this.items.map((item) => {
      const name = item.name.toLowerCase();
      const contains = name.includes(want) || want.includes(name) || item.id.toLowerCase().includes(want);
      return { name: item.name, score: contains ? -1 : distance(want, name) };
    });
    const limit = Math.max(2, Math.ceil(want.length / 2));
    return [
      ...new Set(
        scored
          .filter((s) => s.score <= limit)
          .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
          .map((s) => s.name),
      ),
    ].slice(0, 5);
  }

  all(): readonly T[] {
    return this.items;
  }
}

export interface FindingFilter {
  principal?: string;
  function?: string;
  resource?: string;
}

export class ProfileView {
  readonly version: string;
  readonly createdAt: string;
  readonly authorizer: AwsEstateAuthorizer;
  readonly profile: ReachabilityProfile;
  readonly closure: ReachClosure;
  readonly findings: readonly Finding[];
  private readonly loaded: LoadedProfile;
  private readonly principals: NameIndex<Principal>;
  private readonly requesterIds: Set<string>;
  private readonly functions: NameIndex<FunctionNode>;
  private readonly resources: NameIndex<{ id: string; name: string }>;
  /** Every access some function's identity may perform, once each. */
  private readonly reachable: Access[];

  constructor(snapshot: ProfileSnapshot) {
    const estate = snapshot.estate;
    if (!estate) throw new NoEstateError(snapshot.version);
    this.version = snapshot.version;
    this.createdAt = snapshot.createdAt;
    this.loaded = indexProfile(snapshot);
    this.authorizer = createAwsEstateAuthorizer(estate);
    this.profile = buildProfile(estate, this.authorizer);
    this.closure = new ReachClosure(this.profile);
    // Rebuild with the same reach the scan had, so ids and block-table finding ids agree.
    const includeImplicit = snapshot.findings.some((f) => f.denial === 'implicit');
    const paths = findBypassPaths(this.profile, this.authorizer, { includeImplicit });
    this.findings = bypassFindings(paths, this.authorizer, new Map(estate.functions.map((f) => [f.id, f])));
    this.principals = new NameIndex('principal', estate.principals);
    this.requesterIds = new Set(this.profile.requesters.map((p) => p.id));
    this.functions = new NameIndex('function', estate.functions);
    this.resources = new NameIndex('resource', [...estate.resources, ...estate.functions]);
    const seen = new Map<string, Access>();
    for (const edges of this.profile.reach.values())
      for (const edge of edges) seen.set(accessKey(edge.access), edge.access);
    this.reachable = [...seen.values()];
  }

  /** A principal by user or role name, ARN, or id; a function name stands for the identity it runs as. */
  resolvePrincipal(ref: string): NamedRef {
    const principal = this.principals.find(ref);
    if (principal) return { id: principal.id, name: principal.name };
    const fn = this.functions.find(ref);
    if (fn?.identity) return { id: fn.identity, name: this.authorizer.describe(fn.identity).name };
    throw new UnknownNameError('principal', ref, this.principals.candidates(ref));
  }

  resolveFunction(ref: string): NamedRef {
    const fn = this.functions.resolve(ref);
    return { id: fn.id, name: fn.name };
  }

  /** A resource by name or id; any other ARN (or `*`) is taken as given, for what-if questions. */
  resolveResource(ref: string): NamedKindRef {
    const known = this.resources.find(ref);
    const id = known?.id ?? (ref === '*' || ref.startsWith('arn:') ? ref : undefined);
    if (id === undefined) throw new UnknownNameError('resource', ref, this.resources.candidates(ref));
    return this.named(id);
  }

  private named(id: string): NamedKindRef {
    const { name, kind } = this.authorizer.describe(id);
    return { id, name, kind };
  }

  private ref(id: string): NamedRef {
    return { id, name: this.authorizer.describe(id).name };
  }

  /** UserInvoke: the functions the principal may start, and how. */
  listUserInvoke(principal: string): InvokeAnswer[] {
    const who = this.resolvePrincipal(principal);
    return this.profile.userInvoke
      .filter((u) => u.principal === who.id)
      .map((u) => ({
        function: this.ref(u.entry.function),
        entry: { resource: this.named(u.entry.resource), action: u.entry.action, via: u.entry.via },
        ...(u.conditions?.length ? { conditions: u.conditions } : {}),
      }));
  }

  /** ServiceReach of a function: its own accesses, or (transitive) those of every function it starts too. */
  listServiceReach(fn: string, transitive = false): ReachAnswer[] {
    const start = this.resolveFunction(fn).id;
    const holders = transitive ? [...shortestPaths(start, this.profile.graph).keys()] : [start];
    const seen = new Set<string>();
    const answers: ReachAnswer[] = [];
    // Nearest holder first, so each access is attributed to the first function that performs it.
    for (const holder of holders) {
      for (const edge of this.profile.reach.get(holder) ?? []) {
        const key = accessKey(edge.access);
        if (seen.has(key)) continue;
        seen.add(key);
        answers.push({
          resource: this.named(edge.access.resource),
          action: edge.access.action,
          holder: this.ref(holder),
          ...(edge.to ? { starts: this.ref(edge.to) } : {}),
          ...(edge.conditions?.length ? { conditions: edge.conditions } : {}),
        });
      }
    }
    return answers;
  }

  /**
   * UserDeny over the estate's reachable accesses: the (resource, action) pairs some function may perform that
   * the principal is denied. Explicit and guardrail denials by default; never-granted ones on request.
   */
  listUserDeny(principal: string, options: { includeImplicit?: boolean } = {}): DenyAnswer[] {
    const who = this.resolvePrincipal(principal);
    const answers: DenyAnswer[] = [];
    for (const access of this.reachable) {
      if (!options.includeImplicit && !this.authorizer.mayBeDenied(who.id, access)) continue;
      const decision = this.authorizer.decide(who.id, access);
      if (decision.decision === 'allow') continue;
      if (decision.decision === 'conditional' && !decision.possibleDecisions.some((d) => d !== 'allow'))
        continue;
      const denial = denialClassOf(decision);
      if (denial === 'implicit' && !options.includeImplicit) continue;
      answers.push({
        resource: this.named(access.resource),
        action: access.action,
        denial,
        decision: decision.decision,
        reasons: decision.reasons,
      });
    }
    return answers.sort(
      (a, b) => a.resource.name.localeCompare(b.resource.name) || a.action.localeCompare(b.action),
    );
  }

  /** Bypass findings (the scan JSON shape) for a requester, through a function (anywhere on the path), or to a resource. */
  findBypassPaths(filter: FindingFilter = {}): Finding[] {
    const principal = filter.principal === undefined ? undefined : this.resolvePrincipal(filter.principal).id;
    const fn = filter.function === undefined ? undefined : this.resolveFunction(filter.function).id;
    const resource = filter.resource === undefined ? undefined : this.resolveResource(filter.resource).id;
    return this.findings.filter(
      (f) =>
        (principal === undefined || f.principal.id === principal) &&
        (fn === undefined || f.path.some((step) => step.id === fn)) &&
        (resource === undefined || f.resource.id === resource),
    );
  }

  /** What `ares serve` and the agent decide for this requester at this function, with the bypasses behind it. */
  explainDecision(principal: string, fn: string): ExplainAnswer {
    const who = this.resolvePrincipal(principal);
    const where = this.resolveFunction(fn);
    const outcome = decideAtRuntime(
      this.loaded,
      { function: where.id, principal: who.id },
      { verifyKeys: [], unknownFunction: 'allow' },
    );
    const downstream = new Map<string, Set<string>>();
    if (outcome.decision === 'allow') {
      const entering = this.findings.filter((f) => f.principal.id === who.id && f.entry.id === where.id);
      const ids = new Set(entering.map((f) => f.id));
      for (const blocks of Object.values(this.loaded.snapshot.blockTable.functions)) {
        const accesses = Object.hasOwn(blocks.blocked, who.id) ? (blocks.blocked[who.id] ?? []) : [];
        for (const access of accesses) {
          if (!ids.has(access.findingId)) continue;
          const set = downstream.get(blocks.function) ?? new Set<string>();
          set.add(access.findingId);
          downstream.set(blocks.function, set);
        }
      }
    }
    const stops = [...downstream].map(([id, findings]) => ({
      blockPoint: this.ref(id),
      findings: [...findings].sort(),
    }));
    const reason =
      outcome.decision === 'block'
        ? outcome.reason
        : `${who.name} is not blocked at ${where.name}` +
          (stops.length === 0
            ? ''
            : `; the bypasses it starts here are stopped later, at ${stops
                .map((s) => `${s.blockPoint.name} (${s.findings.join(', ')})`)
                .join('; ')}`);
    return {
      decision: outcome.decision,
      principal: who,
      function: where,
      reason,
      ...(outcome.path ? { path: outcome.path } : {}),
      ...(outcome.blockPoint ? { blockPoint: this.ref(outcome.blockPoint) } : {}),
      findings: outcome.findings ?? [],
      downstream: stops,
    };
  }

  /** The exact decision for one request; context keys not given stay unknown (the answer may be conditional). */
  simulate(
    principal: string,
    action: string,
    resource: string,
    context?: Record<string, ContextValue>,
  ): SimulateAnswer {
    const who = this.resolvePrincipal(principal);
    const what = this.resolveResource(resource);
    const access = { resource: what.id, action };
    const decision =
      context === undefined
        ? this.authorizer.decide(who.id, access)
        : this.authorizer.decideWithContext(who.id, access, context);
    return { principal: who, action, resource: what, decision };
  }

  listFindings(filter: { severity?: Severity; kind?: Finding['kind'] } = {}): Finding[] {
    return this.findings.filter(
      (f) =>
        (filter.severity === undefined || f.severity === filter.severity) &&
        (filter.kind === undefined || f.kind === filter.kind),
    );
  }

  /** The requesters the profile knows (names first), for callers that list before they ask. */
  requesters(): NamedRef[] {
    return this.principals
      .all()
      .filter((p) => this.requesterIds.has(p.id))
      .map((p) => ({ id: p.id, name: p.name }));
  }

  summary(top = 5): ProfileSummary {
    const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
    for (const f of this.findings) bySeverity[f.severity] += 1;
    const ranked = [...this.findings].sort(
      (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id),
    );
    const { stats } = this.profile;
    return {
      version: this.version,
      createdAt: this.createdAt,
      counts: {
        requesters: stats.requesters,
        functions: stats.functions,
        resources: stats.resources,
        userInvoke: stats.userInvoke,
        reachEdges: stats.reachEdges,
        functionEdges: stats.functionEdges,
        findings: this.findings.length,
        bySeverity,
      },
      topFindings: ranked.slice(0, top).map((f) => ({
        id: f.id,
        severity: f.severity,
        denial: f.denial,
        principal: f.principal.name,
        entry: f.entry.name,
        resource: f.resource.name,
        actions: f.actions,
      })),
    };
  }
}

/** Builds the view of a snapshot; throws NoEstateError for a snapshot without its estate. */
export function createProfileView(snapshot: ProfileSnapshot): ProfileView {
  return new ProfileView(snapshot);
}
