/**
 * The compiled block table: the run-time form of the bypass findings. For every bypass path, the function whose
 * identity would perform the denied access (the holder) refuses that access for the path's origin, and the entry
 * function is marked a conduit. Every function of the estate is listed, so an agent can tell "known, nothing to
 * block" from "unknown function". Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { bypassGroupKey, findingGroupKey } from './bypassGroups.js';
import { lookupGeneratedName } from './generatedNames.js';
import type {
  BlockedAccess,
  BlockTable,
  Estate,
  EstateAuthorizer,
  Finding,
  FunctionBlocks,
  Principal,
  ProfileSnapshot,
} from '../model/index.js';
import type { BypassPath } from './findBypassPaths.js';
import { annotateIdentity } from './runtimeIdentity.js';
import type { ReachabilityProfile } from './reachabilityProfile.js';

export interface CompileOptions {
  /**
   * Also block paths whose requester was simply never granted the access (implicit denial). Off by default:
   * mediating such access is what functions are for, and blocking it would break the application.
   */
  includeImplicit?: boolean;
  /**
   * The profile the paths came from: with it, each function also gets `upstream`, `eventClaims` and `unvouched`
   * (identity at run time). Without it those fields are left out and agents fall back to the conduit rule.
   */
  profile?: Pick<ReachabilityProfile, 'userInvoke' | 'graph'>;
  /** Function id → Ed25519 public key (SPKI DER, base64) of its agent, from `ares keys --functions`. */
  signers?: Record<string, string>;
  /** Functions deployed without an agent. */
  uninstrumented?: string[];
}

/**
 * Compiles the block table. A path is blocked only when `findings` holds its finding (same grouping key as
 * `bypassFindings`), so a finding left out (archived, filtered) is not enforced.
 */
export function compileBlockTable(
  paths: BypassPath[],
  findings: Finding[],
  authorizer: EstateAuthorizer,
  estate: Estate,
  version: string,
  createdAt: string,
  options: CompileOptions = {},
): BlockTable {
  const functions = listFunctions(estate);
  const byGroup = new Map(findings.map((f) => [findingGroupKey(f), f]));
  const seen = new Set<string>();
  for (const path of paths) {
    const finding = byGroup.get(bypassGroupKey(path));
    if (finding === undefined) continue;
    const { id: findingId, denial } = finding;
    if (denial === 'implicit' && options.includeImplicit !== true) continue;
    functionBlocks(functions, path.entry.function, authorizer).conduit = true;
    const holder = functionBlocks(functions, path.holder, authorizer);
    const key = [path.holder, path.principal, path.access.resource, path.access.action, findingId].join(
      '\u0000',
    );
    if (seen.has(key)) continue;
    seen.add(key);
    const blocked = (holder.blocked[path.principal] ??= []);
    blocked.push({ resource: path.access.resource, action: path.access.action, denial, findingId });
  }
  for (const fn of functions.values()) {
    for (const list of Object.values(fn.blocked)) list.sort(compareBlocked);
  }
  const principalIds = principalIdsOf(estate, authorizer);
  if (options.profile !== undefined) {
    const uniquelyNamed = new Set(
      Object.entries(principalIds)
        .filter(([alias]) => UNIQUE_ID.test(alias))
        .map(([, id]) => id),
    );
    annotateIdentity(functions, {
      userInvoke: options.profile.userInvoke,
      graph: options.profile.graph,
      uniquelyNamed,
      uninstrumented: new Set(options.uninstrumented ?? []),
    });
  }
  const signers = Object.fromEntries(
    Object.entries(options.signers ?? {}).filter(([id]) => functions.has(id)),
  );
  return {
    version,
    createdAt,
    functions: Object.fromEntries(functions),
    functionIds: functionIdsOf(functions),
    principalIds,
    ...(Object.keys(signers).length > 0 ? { signers } : {}),
  };
}

/** An IAM unique id (user AIDA…, role AROA…), as SQS `SenderId` and S3 `principalId` name a writer. */
const UNIQUE_ID = /^A(?:IDA|ROA)[A-Z0-9]{8,}$/;

function listFunctions(estate: Estate): Map<string, FunctionBlocks> {
  const functions = new Map<string, FunctionBlocks>();
  for (const fn of estate.functions) {
    if (!functions.has(fn.id))
      functions.set(fn.id, { function: fn.id, name: fn.name, conduit: false, blocked: {} });
  }
  return functions;
}

/** The entry for a function; one the estate does not list (should not happen) is added under its described name. */
function functionBlocks(
  functions: Map<string, FunctionBlocks>,
  id: string,
  authorizer: EstateAuthorizer,
): FunctionBlocks {
  let entry = functions.get(id);
  if (!entry) {
    entry = { function: id, name: authorizer.describe(id).name, conduit: false, blocked: {} };
    functions.set(id, entry);
  }
  return entry;
}

function compareBlocked(a: BlockedAccess, b: BlockedAccess): number {
  return (
    a.resource.localeCompare(b.resource) ||
    a.action.localeCompare(b.action) ||
    a.findingId.localeCompare(b.findingId)
  );
}

/** Collects aliases and keeps only those that name exactly one id. */
class AliasMap {
  private readonly aliases = new Map<string, Set<string>>();

  add(alias: string, id: string): void {
    const ids = this.aliases.get(alias) ?? new Set<string>();
    ids.add(id);
    this.aliases.set(alias, ids);
  }

  unambiguous(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const alias of [...this.aliases.keys()].sort()) {
      const ids = this.aliases.get(alias)!;
      if (ids.size === 1) result[alias] = [...ids][0]!;
    }
    return result;
  }
}

function functionIdsOf(functions: Map<string, FunctionBlocks>): Record<string, string> {
  const aliases = new AliasMap();
  for (const fn of functions.values()) {
    aliases.add(fn.function, fn.function);
    aliases.add(fn.name, fn.function);
    const unqualified = unqualifiedFunctionArn(fn.function);
    if (unqualified !== fn.function) aliases.add(unqualified, fn.function);
  }
  return aliases.unambiguous();
}

function principalIdsOf(estate: Estate, authorizer: EstateAuthorizer): Record<string, string> {
  const principals = new Map<string, Principal>();
  for (const p of [...estate.principals, ...authorizer.requesters()])
    if (!principals.has(p.id)) principals.set(p.id, p);
  const aliases = new AliasMap();
  for (const p of principals.values()) {
    aliases.add(p.id, p.id);
    // Groups never make requests; their names would only shadow a user or role of the same name.
    if (p.kind !== 'group' && p.name !== '') aliases.add(p.name, p.id);
    if (p.uniqueId !== undefined && p.uniqueId !== '') aliases.add(p.uniqueId, p.id);
    if (p.kind === 'role') {
      const session = assumedRolePrefix(p.id);
      if (session !== undefined) aliases.add(session, p.id);
    }
  }
  return aliases.unambiguous();
}

const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const SESSION_ARN = /^(arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+)\/[^/]*$/;
const LAMBDA_ARN = /^(arn:[^:]+:lambda:[^:]*:\d{12}:function:[^:]+)(?::[^:]+)?$/;

/**
 * `arn:aws:iam::ACCT:role/path/NAME` → `arn:aws:sts::ACCT:assumed-role/NAME`: a session ARN is this prefix plus
 * `/SESSION` (the role's path is not part of it).
 */
export function assumedRolePrefix(roleArn: string): string | undefined {
  const m = ROLE_ARN.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}` : undefined;
}

/** A Lambda ARN without its `:qualifier` (version or alias); anything else unchanged. */
export function unqualifiedFunctionArn(arn: string): string {
  const m = LAMBDA_ARN.exec(arn);
  return m ? m[1]! : arn;
}

/** The function id for a name or (qualified) ARN as a function sees itself at run time, if the table knows it. */
export function resolveFunctionId(table: BlockTable, nameOrArn: string): string | undefined {
  const unqualified = unqualifiedFunctionArn(nameOrArn);
  return (
    table.functionIds[nameOrArn] ??
    table.functionIds[unqualified] ??
    lookupGeneratedName(table.functionIds, unqualified)
  );
}

/** The principal id for an ARN, name, or role session ARN (`…:assumed-role/NAME/SESSION`), if the table knows it. */
export function resolvePrincipalId(table: BlockTable, arnOrName: string): string | undefined {
  const exact = table.principalIds[arnOrName];
  if (exact !== undefined) return exact;
  const session = SESSION_ARN.exec(arnOrName);
  const key = session ? session[1]! : arnOrName;
  return table.principalIds[key] ?? lookupGeneratedName(table.principalIds, key);
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const record = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, record[k]]),
    );
  });
}

/**
 * The profile version: sha256 of the canonical JSON of the block table and findings, first 16 hex digits.
 * `version` and `createdAt` are left out, so the same scan gives the same version whenever it runs.
 */
export function profileVersion(
  blockTable: Omit<BlockTable, 'version' | 'createdAt'> & { version?: string; createdAt?: string },
  findings: Finding[],
): string {
  const { functions, functionIds, principalIds, signers } = blockTable;
  const content = canonicalJson({
    blockTable: { functions, functionIds, principalIds, ...(signers ? { signers } : {}) },
    findings,
  });
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Compiles the block table and wraps it, with the findings and stats, in a versioned snapshot. */
export function compileProfileSnapshot(
  paths: BypassPath[],
  findings: Finding[],
  authorizer: EstateAuthorizer,
  estate: Estate,
  stats: Record<string, number>,
  createdAt: string,
  options: CompileOptions = {},
): ProfileSnapshot {
  const unversioned = compileBlockTable(paths, findings, authorizer, estate, '', createdAt, options);
  const version = profileVersion(unversioned, findings);
  return { version, createdAt, blockTable: { ...unversioned, version }, findings, stats };
}
