/**
 * The block table as an agent holds it: either the whole compiled table (`BlockTable`, from a file or an object) or
 * one function's slice as `ares serve` hands it out (`{version, function, principalIds}`). Parsed defensively once,
 * when loaded, into maps, so that lookups on the hot path never touch prototype keys.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { BlockTable, FunctionBlocks } from '../model/blockTable.js';

/** One function's slice, as `GET /v1/block-table/{function}` answers. */
export interface BlockTableSlice {
  version: string;
  function: FunctionBlocks;
  principalIds: Record<string, string>;
  /** The public keys of the functions that may hand this one a hop token (its `upstream`). */
  signers?: Record<string, string>;
}

export class LoadedTable {
  private constructor(
    readonly version: string,
    private readonly functions: ReadonlyMap<string, FunctionBlocks>,
    private readonly functionIds: ReadonlyMap<string, string>,
    private readonly principalIds: ReadonlyMap<string, string>,
    /** A slice holds one function: whatever name the agent asks under, this is its entry. */
    private readonly only: FunctionBlocks | undefined,
    private readonly signerKeys: ReadonlyMap<string, string>,
  ) {}

  private readonly importedKeys = new Map<string, KeyObject | null>();

  /** The public key of a function's agent (imported on first use), if the table has one. */
  signer(functionId: string): KeyObject | undefined {
    let key = this.importedKeys.get(functionId);
    if (key === undefined) {
      const der = this.signerKeys.get(functionId);
      try {
        key =
          der === undefined
            ? null
            : createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });
      } catch {
        key = null;
      }
      this.importedKeys.set(functionId, key);
    }
    return key ?? undefined;
  }

  /** Parses a whole table or a slice; throws a `TypeError` naming what is wrong. */
  static parse(raw: unknown, source: string): LoadedTable {
    if (!isRecord(raw)) throw new TypeError(`${source}: not a JSON object`);
    // A table without a version is not one `ares serve` or `ares scan` wrote: no table at all.
    if (typeof raw.version !== 'string' || raw.version === '') throw new TypeError(`${source}: no version`);
    const version = raw.version;
    const principalIds = stringMap(raw.principalIds ?? {}, `${source}: principalIds`);
    const signers = stringMap(raw.signers ?? {}, `${source}: signers`);
    if (isRecord(raw.function)) {
      const entry = functionBlocks(raw.function, `${source}: function`);
      const ids = new Map([
        [entry.function, entry.function],
        [entry.name, entry.function],
      ]);
      return new LoadedTable(version, new Map([[entry.function, entry]]), ids, principalIds, entry, signers);
    }
    if (!isRecord(raw.functions))
      throw new TypeError(`${source}: neither a block table ("functions") nor a slice ("function")`);
    const functions = new Map<string, FunctionBlocks>();
    for (const [id, value] of Object.entries(raw.functions))
      functions.set(id, functionBlocks(value, `${source}: functions[${JSON.stringify(id)}]`));
    const functionIds = stringMap(raw.functionIds ?? {}, `${source}: functionIds`);
    return new LoadedTable(version, functions, functionIds, principalIds, undefined, signers);
  }

  static fromBlockTable(table: BlockTable, source = 'block table'): LoadedTable {
    return LoadedTable.parse(table, source);
  }

  /** This function's entry, by the first of its run-time names (ARN, unqualified ARN, name) the table knows. */
  entryFor(refs: readonly string[]): FunctionBlocks | undefined {
    if (this.only !== undefined) return this.only;
    for (const ref of refs) {
      const entry = this.functions.get(ref) ?? this.functions.get(this.functionIds.get(ref) ?? '');
      if (entry !== undefined) return entry;
      const unqualified = unqualifiedFunctionArn(ref);
      if (unqualified !== ref) {
        const byArn =
          this.functions.get(unqualified) ?? this.functions.get(this.functionIds.get(unqualified) ?? '');
        if (byArn !== undefined) return byArn;
      }
    }
    return undefined;
  }

  /**
   * The principal id a run-time name stands for: exactly, or an assumed-role session ARN by its role prefix, or a
   * unique id with a session (`AROA…:session`) by the unique id. Undefined when the table does not know it.
   */
  principal(name: string): string | undefined {
    const exact = this.principalIds.get(name);
    if (exact !== undefined) return exact;
    const session = SESSION_ARN.exec(name);
    if (session) return this.principalIds.get(session[1]!);
    if (!name.startsWith('arn:')) {
      const colon = name.indexOf(':');
      if (colon > 0) return this.principalIds.get(name.slice(0, colon));
    }
    return undefined;
  }
}

const SESSION_ARN = /^(arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+)\/[^/]*$/;
const LAMBDA_ARN = /^(arn:[^:]+:lambda:[^:]*:\d{12}:function:[^:]+)(?::[^:]+)?$/;

/** A Lambda ARN without its `:qualifier` (version or alias); anything else unchanged. */
export function unqualifiedFunctionArn(arn: string): string {
  const m = LAMBDA_ARN.exec(arn);
  return m ? m[1]! : arn;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, where: string): Map<string, string> {
  if (!isRecord(value)) throw new TypeError(`${where}: not an object`);
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') map.set(k, v);
  return map;
}

function functionBlocks(value: unknown, where: string): FunctionBlocks {
  if (!isRecord(value) || typeof value.function !== 'string')
    throw new TypeError(`${where}: not a function entry (no "function" id)`);
  const blocked = value.blocked ?? {};
  if (!isRecord(blocked)) throw new TypeError(`${where}.blocked: not an object`);
  // No prototype: an origin named `__proto__` is a key like any other.
  const clean = Object.create(null) as FunctionBlocks['blocked'];
  for (const [origin, accesses] of Object.entries(blocked)) {
    if (!Array.isArray(accesses))
      throw new TypeError(`${where}.blocked[${JSON.stringify(origin)}]: not a list`);
    clean[origin] = accesses.filter(
      (a): a is FunctionBlocks['blocked'][string][number] =>
        isRecord(a) && typeof a.action === 'string' && typeof a.resource === 'string',
    );
  }
  const entry: FunctionBlocks = {
    function: value.function,
    name: typeof value.name === 'string' ? value.name : value.function,
    conduit: value.conduit === true,
    blocked: clean,
  };
  if (value.unvouched !== undefined) {
    if (!Array.isArray(value.unvouched) || !value.unvouched.every((o) => typeof o === 'string'))
      throw new TypeError(`${where}.unvouched: not a list of origins`);
    entry.unvouched = value.unvouched as string[];
  }
  if (value.eventClaims !== undefined) {
    if (typeof value.eventClaims !== 'boolean') throw new TypeError(`${where}.eventClaims: not a boolean`);
    entry.eventClaims = value.eventClaims;
  }
  if (value.upstream !== undefined) {
    if (!isRecord(value.upstream)) throw new TypeError(`${where}.upstream: not an object`);
    const upstream = Object.create(null) as Record<string, string[]>;
    for (const [issuer, resources] of Object.entries(value.upstream))
      if (Array.isArray(resources)) upstream[issuer] = resources.filter((r) => typeof r === 'string');
    entry.upstream = upstream;
  }
  return entry;
}
