/**
 * The differential harness: runs generated cases through ares and through iam-simulate, classifies
 * disagreements against the allowlist, and shrinks unexplained ones to a minimal repro.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorize, compilePolicySet, type AwsPolicySetInput } from '../../src/providers/aws/index.js';
import { generateCase, toSimulationFile, type DiffCase } from './generate.js';
import { runOracle } from './oracle.js';

export type AresAnswer = 'allow' | 'explicit-deny' | 'implicit-deny' | 'conditional' | `error: ${string}`;

/** ares on one case, compiled from scratch; a thrown error becomes an `error: ...` answer. */
export function runAres(c: Pick<DiffCase, 'request' | 'policies'>): AresAnswer {
  try {
    return authorize(c.request, compilePolicySet(c.policies), { missingContext: 'absent' }).decision;
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Allowlist
// ---------------------------------------------------------------------------------------------

export interface AllowlistMatch {
  /** Every one of these tags is on the case (generator features, or `oracle:` tags from iam-simulate's analysis). */
  features?: string[];
  /** At least one of these tags is on the case. */
  anyFeatures?: string[];
  /** None of these tags is on the case. */
  notFeatures?: string[];
  /** ares's answer (one of). */
  ares?: string[];
  /** iam-simulate's answer (one of). */
  oracle?: string[];
  /**
   * The name of a rewrite (see TRANSFORMS) that isolates the class: the entry matches only if the rewrite leaves
   * ares's answer unchanged and makes iam-simulate give ares's answer. This proves the disagreement is entirely due
   * to the construct the rewrite removes, so an entry cannot hide an unrelated bug in a case that merely has the tag.
   */
  oracleAgreesAfter?: string;
}

export interface AllowlistEntry {
  id: string;
  match: AllowlistMatch;
  why: string;
  /** URL of the AWS documentation page and the sentence that shows ares is right. */
  awsDoc: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));

export function loadAllowlist(path = join(HERE, 'allowlist.json')): AllowlistEntry[] {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(raw)) throw new Error('allowlist.json must be an array');
  const ids = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const e = entry as Partial<AllowlistEntry>;
    const where = `allowlist.json[${i}]`;
    if (typeof e.id !== 'string' || e.id === '') throw new Error(`${where}: id must be a non-empty string`);
    if (ids.has(e.id)) throw new Error(`${where}: duplicate id ${e.id}`);
    ids.add(e.id);
    if (typeof e.match !== 'object' || e.match === null) throw new Error(`${where}: match must be an object`);
    const m = e.match;
    const narrowing = (m.features?.length ?? 0) + (m.anyFeatures?.length ?? 0);
    if (narrowing === 0)
      throw new Error(`${where}: match must name at least one feature (features or anyFeatures)`);
    if (typeof e.why !== 'string' || e.why.length < 20)
      throw new Error(`${where}: why must explain the class`);
    // An entry may only be added with a citation of the AWS documentation: a docs.aws.amazon.com URL and a quoted sentence.
    if (
      typeof e.awsDoc !== 'string' ||
      !/https:\/\/docs\.aws\.amazon\.com\/\S+/.test(e.awsDoc) ||
      !/["“][^"”]{20,}["”]/.test(e.awsDoc)
    ) {
      throw new Error(
        `${where}: awsDoc must hold a docs.aws.amazon.com URL and the quoted sentence that shows ares is right`,
      );
    }
    return e as AllowlistEntry;
  });
}

export function entryMatches(
  entry: AllowlistEntry,
  tags: ReadonlySet<string>,
  ares: string,
  oracle: string,
): boolean {
  const m = entry.match;
  if (!featuresMatch(m, tags)) return false;
  if (m.ares && !m.ares.includes(ares)) return false;
  if (m.oracle && !m.oracle.includes(oracle)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Rewrites that isolate a class of disagreement (for `oracleAgreesAfter`)
// ---------------------------------------------------------------------------------------------

function forEachDocument(p: AwsPolicySetInput, fn: (doc: Doc, kind: string) => void): void {
  const visit = (np: { document: unknown } | undefined, kind: string): void => {
    if (np && typeof np.document === 'object' && np.document !== null) fn(np.document as Doc, kind);
  };
  p.identityPolicies?.forEach((np) => visit(np, 'identity'));
  visit(p.resourcePolicy, 'resource');
  visit(p.permissionsBoundary, 'boundary');
  visit(p.sessionPolicy, 'session');
  p.scps?.forEach((level) => level.forEach((np) => visit(np, 'scp')));
  p.rcps?.forEach((level) => level.forEach((np) => visit(np, 'rcp')));
}

function forEachStatement(p: AwsPolicySetInput, fn: (st: Doc, kind: string) => void): void {
  forEachDocument(p, (doc, kind) => statementsOf(doc)?.forEach((st) => fn(st, kind)));
}

/** The value of a single-valued key as ares and the oracle see it (request context first, then the AWS-set keys). */
function contextString(c: Mini, key: string): string | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(c.request.context ?? {})) {
    if (k.toLowerCase() === lower) return typeof v === 'string' ? v : undefined;
  }
  for (const [k, v] of Object.entries(c.awsContext)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const isoFromEpoch = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

export const TRANSFORMS: Record<string, (c: Mini) => Mini> = {
  /** Remove the RCPs. */
  'drop-rcps': (c) => {
    const n = clone(c);
    delete n.policies.rcps;
    return n;
  },
  /** Remove the session policy. */
  'drop-session-policy': (c) => {
    const n = clone(c);
    delete n.policies.sessionPolicy;
    return n;
  },
  /** Write every Date-operator value in the form the request carries (ISO 8601 for aws:CurrentTime, epoch seconds for aws:EpochTime). */
  'date-values-in-request-form': (c) => {
    const n = clone(c);
    forEachStatement(n.policies, (st) => {
      const cond = st.Condition as Record<string, Record<string, Json>> | undefined;
      if (!cond) return;
      for (const [op, block] of Object.entries(cond)) {
        if (!/^(ForAnyValue:|ForAllValues:)?Date/i.test(op)) continue;
        for (const [key, raw] of Object.entries(block)) {
          const k = key.toLowerCase();
          const fix = (v: Json): Json => {
            if (typeof v !== 'string') return v;
            if (k === 'aws:currenttime' && /^\d+$/.test(v)) return isoFromEpoch(Number(v));
            if (k === 'aws:epochtime' && !/^\d+$/.test(v) && !Number.isNaN(Date.parse(v)))
              return String(Math.floor(Date.parse(v) / 1000));
            return v;
          };
          block[key] = Array.isArray(raw) ? raw.map(fix) : fix(raw);
        }
      }
    });
    return n;
  },
  /** Drop role ARNs from NotPrincipal elements (for a session caller, NotPrincipal names sessions, not roles). */
  'notprincipal-without-role-arns': (c) => {
    const n = clone(c);
    forEachStatement(n.policies, (st) => {
      const np = st.NotPrincipal;
      if (typeof np !== 'object' || np === null || Array.isArray(np)) return;
      const block = np as Doc;
      const aws = block.AWS;
      if (aws === undefined) return;
      const list = (Array.isArray(aws) ? aws : [aws]).filter(
        (v) => !(typeof v === 'string' && /^arn:aws:iam::\d{12}:role\//.test(v)),
      );
      block.AWS = list.length > 0 ? list : 'arn:aws:iam::999999999999:user/nobody';
    });
    return n;
  },
  /**
   * Remove from NotPrincipal elements every value naming part of the caller's identity chain (its account, user,
   * role or session). ares reads a partly named chain as not exempt, so its answer must not change.
   */
  'notprincipal-drop-partial-chain': (c) => {
    const n = clone(c);
    const caller = c.request.principal;
    const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(caller)?.[1];
    const roleName = /:assumed-role\/([^/]+)\//.exec(caller)?.[1];
    const names = (v: Json): boolean =>
      typeof v === 'string' &&
      (v === caller ||
        (account !== undefined && (v === account || v === `arn:aws:iam::${account}:root`)) ||
        (roleName !== undefined &&
          account !== undefined &&
          new RegExp(`^arn:aws:iam::${account}:role/(.*/)?${roleName}$`).test(v)));
    forEachStatement(n.policies, (st) => {
      const np = st.NotPrincipal;
      if (typeof np !== 'object' || np === null || Array.isArray(np)) return;
      const block = np as Doc;
      if (block.AWS === undefined) return;
      const list = (Array.isArray(block.AWS) ? block.AWS : [block.AWS]).filter((v) => !names(v));
      block.AWS = list.length > 0 ? list : 'arn:aws:iam::999999999999:user/nobody';
    });
    return n;
  },
  /**
   * In documents that are not 2012-10-17, make `${...}` unmistakably literal text. AWS substitutes variables only in
   * 2012-10-17 documents, so ares already reads them literally and its answer must not change.
   */
  'literal-variables-before-2012': (c) => {
    const n = clone(c);
    const literal = (v: Json): Json => (typeof v === 'string' ? v.replace(/\$\{/g, '$_{') : v);
    const rewrite = (v: Json): Json =>
      Array.isArray(v)
        ? v.map(rewrite)
        : typeof v === 'object' && v !== null
          ? rewriteObject(v as Doc)
          : literal(v);
    const rewriteObject = (o: Doc): Doc => {
      for (const [k, v] of Object.entries(o)) o[k] = rewrite(v);
      return o;
    };
    forEachDocument(n.policies, (doc) => {
      if (doc.Version === '2012-10-17') return;
      for (const st of statementsOf(doc) ?? []) {
        for (const field of ['Resource', 'NotResource', 'Condition'])
          if (st[field] !== undefined) st[field] = rewrite(st[field]);
      }
    });
    return n;
  },
  /**
   * Replace an IPv6 aws:SourceIp by an IPv4 address that no IPv4 range in the generated policies contains. ares reads
   * an IPv6 caller as outside every IPv4 range, so its answer must not change.
   */
  'ipv6-caller-as-unlisted-ipv4': (c) => {
    const n = clone(c);
    const context = n.request.context ?? {};
    for (const key of Object.keys(context)) {
      const v = context[key];
      if (key.toLowerCase() === 'aws:sourceip' && typeof v === 'string' && v.includes(':'))
        context[key] = '255.255.255.254';
    }
    return n;
  },
  /** Remove multivalued context keys that carry an empty list: ares reads an empty list as no value at all. */
  'drop-empty-multivalued-keys': (c) => {
    const n = clone(c);
    const context = n.request.context ?? {};
    for (const key of Object.keys(context)) {
      const v = context[key];
      if (Array.isArray(v) && v.length === 0) delete context[key];
    }
    return n;
  },
  /**
   * In 2012-10-17 policies, replace policy variables in Resource / NotResource by their values from the request
   * context; a statement with a variable that has no value is neutralised (its Action becomes one no case requests).
   */
  'resolve-resource-variables': (c) => {
    const n = clone(c);
    forEachDocument(n.policies, (doc) => {
      if (doc.Version !== '2012-10-17') return; // earlier versions read ${...} literally
      for (const st of statementsOf(doc) ?? []) {
        let unresolvable = false;
        const resolve = (v: Json): Json =>
          typeof v === 'string'
            ? v.replace(/\$\{([^}]+)\}/g, (whole, key: string) => {
                const value = contextString(c, key);
                if (value === undefined) unresolvable = true;
                return value ?? whole;
              })
            : v;
        for (const field of ['Resource', 'NotResource']) {
          const v = st[field];
          if (v !== undefined) st[field] = Array.isArray(v) ? v.map(resolve) : resolve(v);
        }
        if (unresolvable) {
          delete st.NotAction;
          st.Action = 'kms:ListAliases';
        }
      }
    });
    return n;
  },
};

function featuresMatch(m: AllowlistMatch, tags: ReadonlySet<string>): boolean {
  if (m.features && !m.features.every((t) => tags.has(t))) return false;
  if (m.anyFeatures && !m.anyFeatures.some((t) => tags.has(t))) return false;
  if (m.notFeatures && m.notFeatures.some((t) => tags.has(t))) return false;
  return true;
}

/** Applies the rewrites in order; true if ares's answer is unchanged and iam-simulate then gives it. */
async function rewritesIsolate(names: string[], c: Mini, ares: string): Promise<boolean> {
  let rewritten = c;
  for (const name of names) {
    const transform = TRANSFORMS[name];
    if (!transform) throw new Error(`allowlist: unknown rewrite ${name}`);
    rewritten = transform(rewritten);
  }
  if (runAres(rewritten) !== ares) return false;
  return (await runOracle(rewritten)).decision === ares;
}

/**
 * The allowlist entries that explain a disagreement, or undefined.
 * One entry explains it if its predicate holds and (when it names a rewrite) the rewrite isolates it.
 * A case can hold two documented classes at once (say an RCP on SNS and a role ARN in NotPrincipal); it is explained
 * when the rewrites of all entries whose feature predicates hold, applied together, isolate it.
 */
export async function explainingEntries(
  allowlist: readonly AllowlistEntry[],
  c: Mini,
  tags: ReadonlySet<string>,
  ares: string,
  oracle: string,
): Promise<AllowlistEntry[] | undefined> {
  for (const entry of allowlist) {
    if (!entryMatches(entry, tags, ares, oracle)) continue;
    const name = entry.match.oracleAgreesAfter;
    if (name === undefined || (await rewritesIsolate([name], c, ares))) return [entry];
  }
  const candidates = allowlist.filter(
    (e) => e.match.oracleAgreesAfter !== undefined && featuresMatch(e.match, tags),
  );
  if (
    candidates.length > 1 &&
    (await rewritesIsolate(
      candidates.map((e) => e.match.oracleAgreesAfter!),
      c,
      ares,
    ))
  ) {
    return candidates;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shrinking
// ---------------------------------------------------------------------------------------------

type Json = unknown;
type Doc = Record<string, Json>;
/** What a run needs of a case: the request and policies (ares's input) and the keys AWS sets (the oracle's extra input). */
export type Mini = Pick<DiffCase, 'request' | 'policies' | 'awsContext'>;

function clone<T>(x: T): T {
  return structuredClone(x);
}

function statementsOf(doc: Json): Doc[] | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const st = (doc as Doc).Statement;
  if (Array.isArray(st)) return st as Doc[];
  if (typeof st === 'object' && st !== null) return [st as Doc];
  return undefined;
}

/** Every policy document of a case with a setter, so that shrink steps can rewrite them. */
function documentSlots(p: AwsPolicySetInput): { get(): Json; set(d: Json): void }[] {
  const slots: { get(): Json; set(d: Json): void }[] = [];
  p.identityPolicies?.forEach((np) => slots.push({ get: () => np.document, set: (d) => (np.document = d) }));
  for (const key of ['resourcePolicy', 'permissionsBoundary', 'sessionPolicy'] as const) {
    const np = p[key];
    if (np) slots.push({ get: () => np.document, set: (d) => (np.document = d) });
  }
  for (const levels of [p.scps, p.rcps]) {
    levels?.forEach((level) =>
      level.forEach((np) => slots.push({ get: () => np.document, set: (d) => (np.document = d) })),
    );
  }
  return slots;
}

/** Candidate one-step simplifications of a case, biggest first. */
function* shrinkSteps(c: Mini): Generator<Mini> {
  const ctx = c.request.context;
  if (ctx && Object.keys(ctx).length > 0) {
    const n = clone(c);
    delete n.request.context;
    yield n;
  }
  const p = c.policies;
  // Whole layers.
  for (const key of [
    'identityPolicies',
    'resourcePolicy',
    'permissionsBoundary',
    'sessionPolicy',
    'scps',
    'rcps',
  ] as const) {
    if (p[key] !== undefined) {
      const n = clone(c);
      delete n.policies[key];
      yield n;
    }
  }
  // Single policies and levels.
  for (let i = 0; i < (p.identityPolicies?.length ?? 0); i++) {
    if ((p.identityPolicies?.length ?? 0) < 2) break;
    const n = clone(c);
    n.policies.identityPolicies!.splice(i, 1);
    yield n;
  }
  for (const key of ['scps', 'rcps'] as const) {
    const levels = p[key];
    if (!levels) continue;
    for (let l = 0; l < levels.length; l++) {
      if (levels.length > 1) {
        const n = clone(c);
        n.policies[key]!.splice(l, 1);
        yield n;
      }
      for (let i = 0; i < levels[l]!.length && levels[l]!.length > 1; i++) {
        const n = clone(c);
        n.policies[key]![l]!.splice(i, 1);
        yield n;
      }
    }
  }
  // Statements and their parts.
  const slotCount = documentSlots(p).length;
  for (let s = 0; s < slotCount; s++) {
    const statements = statementsOf(documentSlots(p)[s]!.get());
    if (!statements) continue;
    for (let i = 0; i < statements.length; i++) {
      const edit = (fn: (st: Doc, all: Doc[]) => boolean): Mini | undefined => {
        const n = clone(c);
        const slot = documentSlots(n.policies)[s]!;
        const doc = slot.get() as Doc;
        const all = statementsOf(doc)!;
        if (!Array.isArray(doc.Statement)) doc.Statement = all;
        return fn(all[i]!, all) ? n : undefined;
      };
      const st = statements[i]!;
      if (statements.length > 1) {
        const n = edit((_st, all) => (all.splice(i, 1), true));
        if (n) yield n;
      }
      if (st.Condition !== undefined) {
        const n = edit((x) => (delete x.Condition, true));
        if (n) yield n;
        const cond = st.Condition as Record<string, Record<string, Json>>;
        for (const op of Object.keys(cond)) {
          if (Object.keys(cond).length > 1) {
            const m = edit((x) => (delete (x.Condition as Doc)[op], true));
            if (m) yield m;
          }
          for (const key of Object.keys(cond[op] ?? {})) {
            if (Object.keys(cond[op] ?? {}).length > 1) {
              const m = edit((x) => (delete ((x.Condition as Doc)[op] as Doc)[key], true));
              if (m) yield m;
            }
            const values = cond[op]![key];
            if (Array.isArray(values) && values.length > 1) {
              for (let v = 0; v < values.length; v++) {
                const m = edit((x) => ((((x.Condition as Doc)[op] as Doc)[key] = values[v]), true));
                if (m) yield m;
              }
            }
          }
        }
      }
      for (const field of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
        const v = st[field];
        if (Array.isArray(v) && v.length > 1) {
          for (let k = 0; k < v.length; k++) {
            const m = edit((x) => ((x[field] = v[k]), true));
            if (m) yield m;
          }
        }
      }
      for (const field of ['Principal', 'NotPrincipal'] as const) {
        const v = st[field];
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          const pv = v as Record<string, Json>;
          for (const kind of Object.keys(pv)) {
            if (Object.keys(pv).length > 1) {
              const m = edit((x) => (delete (x[field] as Doc)[kind], true));
              if (m) yield m;
            }
            const list = pv[kind];
            if (Array.isArray(list) && list.length > 1) {
              for (let k = 0; k < list.length; k++) {
                const m = edit((x) => (((x[field] as Doc)[kind] = list[k]), true));
                if (m) yield m;
              }
            }
          }
        }
      }
      if (st.Sid !== undefined) {
        const n = edit((x) => (delete x.Sid, true));
        if (n) yield n;
      }
    }
  }
  // Context keys one by one.
  for (const key of Object.keys(ctx ?? {})) {
    const n = clone(c);
    delete n.request.context![key];
    yield n;
  }
}

/** Greedy shrink: apply the first one-step simplification that keeps the same pair of answers, until none does. */
export async function shrink(
  c: Mini,
  ares: string,
  oracle: string,
  budget = 400,
): Promise<{ case: Mini; evaluations: number }> {
  let current = clone(c);
  let evaluations = 0;
  let progress = true;
  while (progress && evaluations < budget) {
    progress = false;
    for (const candidate of shrinkSteps(current)) {
      if (evaluations >= budget) break;
      evaluations++;
      const a = runAres(candidate);
      if (a !== ares) continue;
      const o = await runOracle(candidate);
      if (o.decision !== oracle) continue;
      current = candidate;
      progress = true;
      break;
    }
  }
  return { case: current, evaluations };
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

export interface Disagreement {
  index: number;
  ares: string;
  oracle: string;
  features: string[];
  allowlistedBy?: string;
  case: DiffCase;
  /** The shrunk repro, for unexplained ones (the first `maxRepros`). */
  minimal?: Mini;
}

export interface DifferentialResult {
  seed: number;
  count: number;
  agree: number;
  allowlisted: number;
  unexplained: number;
  oracleErrors: number;
  oracleErrorSamples: { index: number; error: string }[];
  ignoredContextKeyCases: number;
  /** Oracle answers (the distribution of generated cases). */
  distribution: Record<string, number>;
  aresDistribution: Record<string, number>;
  /** Allowlist entry id -> number of disagreements it explained. */
  allowlistHits: Record<string, number>;
  disagreements: Disagreement[];
  /** Unexplained disagreements by `ares -> oracle` pair. */
  unexplainedByPair: Record<string, number>;
  elapsedMs: number;
  aresMs: number;
  oracleMs: number;
}

export interface RunOptions {
  seed: number;
  count: number;
  allowlist?: AllowlistEntry[];
  /** How many unexplained disagreements to shrink (the rest are reported as generated). */
  maxRepros?: number;
}

export async function runDifferential(opts: RunOptions): Promise<DifferentialResult> {
  const allowlist = opts.allowlist ?? loadAllowlist();
  const maxRepros = opts.maxRepros ?? 40;
  const start = performance.now();
  let aresMs = 0;
  let oracleMs = 0;
  const result: DifferentialResult = {
    seed: opts.seed,
    count: opts.count,
    agree: 0,
    allowlisted: 0,
    unexplained: 0,
    oracleErrors: 0,
    oracleErrorSamples: [],
    ignoredContextKeyCases: 0,
    distribution: {},
    aresDistribution: {},
    allowlistHits: Object.fromEntries(allowlist.map((e) => [e.id, 0])),
    disagreements: [],
    unexplainedByPair: {},
    elapsedMs: 0,
    aresMs: 0,
    oracleMs: 0,
  };
  for (let i = 0; i < opts.count; i++) {
    const c = generateCase(opts.seed, i);
    let t = performance.now();
    const ares = runAres(c);
    aresMs += performance.now() - t;
    t = performance.now();
    const o = await runOracle(c);
    oracleMs += performance.now() - t;
    result.distribution[o.decision] = (result.distribution[o.decision] ?? 0) + 1;
    const aresKey = ares.startsWith('error:') ? 'error' : ares;
    result.aresDistribution[aresKey] = (result.aresDistribution[aresKey] ?? 0) + 1;
    if (o.ignoredContextKeys.length > 0) result.ignoredContextKeyCases++;
    if (o.decision === 'error') {
      result.oracleErrors++;
      if (result.oracleErrorSamples.length < 5)
        result.oracleErrorSamples.push({ index: i, error: o.error ?? '' });
      continue;
    }
    if (ares === o.decision) {
      result.agree++;
      continue;
    }
    const tags = new Set([...c.features, ...o.tags]);
    const entries = await explainingEntries(allowlist, c, tags, ares, o.decision);
    const d: Disagreement = { index: i, ares, oracle: o.decision, features: [...tags].sort(), case: c };
    if (entries) {
      d.allowlistedBy = entries.map((e) => e.id).join('+');
      result.allowlisted++;
      result.allowlistHits[d.allowlistedBy] = (result.allowlistHits[d.allowlistedBy] ?? 0) + 1;
    } else {
      result.unexplained++;
      const pair = `ares=${ares} oracle=${o.decision}`;
      result.unexplainedByPair[pair] = (result.unexplainedByPair[pair] ?? 0) + 1;
    }
    result.disagreements.push(d);
  }
  // Shrink the unexplained ones, spreading the budget over the distinct answer pairs first.
  const unexplained = result.disagreements.filter((d) => !d.allowlistedBy);
  const byPair = new Map<string, Disagreement[]>();
  for (const d of unexplained) {
    const k = `${d.ares}|${d.oracle}`;
    byPair.set(k, [...(byPair.get(k) ?? []), d]);
  }
  const order: Disagreement[] = [];
  for (let round = 0; order.length < Math.min(maxRepros, unexplained.length); round++) {
    for (const list of byPair.values()) if (list[round]) order.push(list[round]!);
  }
  for (const d of order.slice(0, maxRepros)) {
    d.minimal = (
      await shrink(
        { request: d.case.request, policies: d.case.policies, awsContext: d.case.awsContext },
        d.ares,
        d.oracle,
      )
    ).case;
  }
  result.elapsedMs = performance.now() - start;
  result.aresMs = aresMs;
  result.oracleMs = oracleMs;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

export function percent(n: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * n) / total).toFixed(1)}%`;
}

export function summaryLine(r: DifferentialResult): string {
  return `differential: ${r.count} requests, ${r.agree} agree, ${r.allowlisted} allowlisted, ${r.unexplained} unexplained (seed ${r.seed})`;
}

export function distributionLine(r: DifferentialResult): string {
  const total = r.count;
  const parts = ['allow', 'implicit-deny', 'explicit-deny', 'error'].map(
    (k) => `${k} ${r.distribution[k] ?? 0} (${percent(r.distribution[k] ?? 0, total)})`,
  );
  return `oracle answers: ${parts.join(', ')}; context keys iam-simulate ignored in ${r.ignoredContextKeyCases} cases`;
}

/** A repro in the `ares simulate` file format, one top-level field per line. */
export function reproText(d: Disagreement): string {
  const repro = d.minimal ?? d.case;
  const file = toSimulationFile(repro);
  const body = Object.entries(file)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(',\n');
  return [
    `--- case #${d.index} (seed ${d.case.seed}): ares=${d.ares}, iam-simulate=${d.oracle}${d.minimal ? ' (shrunk)' : ' (not shrunk)'}`,
    `features: ${d.features.filter((f) => !f.startsWith('oracle:')).join(' ')}`,
    `iam-simulate's analysis: ${d.features.filter((f) => f.startsWith('oracle:')).join(' ')}`,
    `keys AWS sets (given to iam-simulate; ares derives what the context lacks): ${JSON.stringify(repro.awsContext)}`,
    `{\n${body}\n}`,
  ].join('\n');
}
