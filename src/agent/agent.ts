/**
 * The agent's core, shared by every platform wrapper: configuration read once (cold start), the block table and its
 * refresh, the issuer's public key, replay detection, and `admit`: from one invocation's requesters to a block or
 * to the per-invocation state the handler runs in. `admit` is synchronous: no network, no file.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { BlockTable, FunctionBlocks } from '../model/blockTable.js';
import {
  decodePropagated,
  importPublicKey,
  verifyCallerContext,
  type CallerContext,
  type VerifyResult,
} from './callerContext.js';
import { decide, UNKNOWN_REQUESTER_POLICIES, type UnknownRequesterPolicy } from './decide.js';
import { AgentConfigError, ARESBlocked } from './errors.js';
import { BlockTableSource, type RefreshOutcome } from './blockTableSource.js';
import type { BlockTableSlice, LoadedTable } from './loadedTable.js';
import { consoleLogger, type AgentLogger } from './logger.js';
import { detectPlatform, functionNameFromEnv, functionRefs, PLATFORMS, type Platform } from './platform.js';
import { ReplayCache } from './replayCache.js';
import type { Extraction, Requester, RequesterResolver, RequesterSource } from './requester.js';
import type { AgentMode, InvocationState, ResourceScope } from './state.js';

export interface AresOptions {
  /** Default: detected from the environment (see `detectPlatform`). */
  platform?: Platform;
  /** This function's id in the block table. Default: from the invocation context, else the environment. */
  functionId?: string;
  /** A compiled block table, or one function's slice (`{version, function, principalIds}`). */
  blockTable?: BlockTable | BlockTableSlice;
  /** A JSON file holding either. Default: $ARES_BLOCK_TABLE_FILE. */
  blockTableFile?: string;
  /** `ares serve`'s URL (see `BlockTableSourceOptions.blockTableUrl`). Default: $ARES_BLOCK_TABLE_URL. */
  blockTableUrl?: string;
  /** Bearer token for `ares serve`. Default: $ARES_API_TOKEN. */
  apiToken?: string;
  /** How old the table may get before an invocation starts a background refresh. Default 60. */
  refreshSeconds?: number;
  /** The caller-context issuer's public key: PEM or a KeyObject. Default: $ARES_PUBLIC_KEY. */
  publicKey?: string | KeyObject;
  /** Same as `publicKey` as PEM (the name `ares instrument`'s wrappers use). */
  publicKeyPem?: string;
  /** A PEM file. Default: $ARES_PUBLIC_KEY_FILE. */
  publicKeyFile?: string;
  /** What to do with an invocation that has no verifiable requester. Default 'block-conduits'. */
  unknownRequester?: UnknownRequesterPolicy;
  /** Block every invocation when no block table can be loaded (or the agent fails). Default true. */
  failClosed?: boolean;
  /**
   * 'pre-handler' (default): a blocked origin is refused before the handler runs. 'call': the handler runs and each
   * outgoing SDK call of an instrumented client is checked against the origin's blocked accesses.
   */
  mode?: AgentMode;
  logger?: AgentLogger;
  /** Account and region of this function, for call mode when its id is not an ARN. Default region: $AWS_REGION. */
  account?: string;
  region?: string;
  /** Nonces remembered for replay detection (0 turns it off). Default 10,000. */
  nonceCacheSize?: number;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
  /** The fetch used for `blockTableUrl` (tests). */
  fetch?: typeof fetch;
  /** The environment to read defaults from (tests). Default: process.env. */
  env?: Record<string, string | undefined>;
}

/** What a wrapped handler exposes as `.ares`. */
export interface AgentControl {
  readonly platform: Platform;
  /** Fetch the block table now (URL sources); resolves with what happened. */
  refresh(): Promise<RefreshOutcome>;
  /** The version of the table in force, if one is loaded. */
  tableVersion(): string | undefined;
}

export type Admission =
  { blocked: ARESBlocked } | { blocked: undefined; state: InvocationState; event: unknown };

/** How many verified tokens an agent remembers (oldest dropped first). */
const VERIFIED_CACHE_SIZE = 1024;

/** Tolerated clock skew of `verifyCallerContext`: a nonce must be remembered this long past its expiry. */
const SKEW_SECONDS = 30;
const ARN = /^arn:([^:]+):[^:]+:([^:]*):(\d{12}):/;

export class Agent implements AgentControl {
  readonly platform: Platform;
  private readonly unknownRequester: UnknownRequesterPolicy;
  private readonly failClosed: boolean;
  private readonly mode: AgentMode;
  private readonly logger: AgentLogger;
  private readonly now: () => number;
  private readonly env: Record<string, string | undefined>;
  private readonly source: BlockTableSource;
  private readonly replay: ReplayCache;
  private readonly verifiedTokens: Map<string, CallerContext>;
  private readonly key: KeyObject | undefined;
  private invocation = 0;
  /** Resolved per table: this function's entry and id. */
  private resolved = false;
  private resolvedFor: LoadedTable | undefined;
  private entry: FunctionBlocks | undefined;
  private functionId = '';
  private scope: ResourceScope = { partition: 'aws', region: undefined, account: undefined };
  private readonly resolver: RequesterResolver;
  private table: LoadedTable | undefined;

  constructor(private readonly options: AresOptions = {}) {
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? detectPlatform(this.env);
    if (!PLATFORMS.includes(this.platform))
      throw new AgentConfigError(`unknown platform "${String(this.platform)}"`);
    this.unknownRequester = options.unknownRequester ?? 'block-conduits';
    if (!UNKNOWN_REQUESTER_POLICIES.includes(this.unknownRequester))
      throw new AgentConfigError(`unknownRequester must be one of ${UNKNOWN_REQUESTER_POLICIES.join(', ')}`);
    this.mode = options.mode ?? 'pre-handler';
    if (this.mode !== 'pre-handler' && this.mode !== 'call')
      throw new AgentConfigError(`mode must be 'pre-handler' or 'call'`);
    this.failClosed = options.failClosed ?? true;
    this.logger = options.logger ?? consoleLogger;
    this.now = options.now ?? Date.now;
    this.replay = new ReplayCache(options.nonceCacheSize ?? 10_000);
    this.verifiedTokens = new Map();
    this.key = this.loadKey();
    const blockTableFile = options.blockTableFile ?? this.env.ARES_BLOCK_TABLE_FILE;
    const blockTableUrl = options.blockTableUrl ?? this.env.ARES_BLOCK_TABLE_URL;
    const apiToken = options.apiToken ?? this.env.ARES_API_TOKEN;
    this.source = new BlockTableSource({
      ...(options.blockTable !== undefined ? { blockTable: options.blockTable } : {}),
      ...(blockTableFile !== undefined ? { blockTableFile } : {}),
      ...(blockTableUrl !== undefined ? { blockTableUrl } : {}),
      ...(apiToken !== undefined ? { apiToken } : {}),
      refreshSeconds: options.refreshSeconds ?? 60,
      now: this.now,
      fetch: options.fetch ?? globalThis.fetch,
      logger: this.logger,
    });
    this.source.setFunction(
      options.functionId ?? this.env.ARES_FUNCTION_ID ?? functionNameFromEnv(this.platform, this.env),
    );
    this.resolver = {
      verified: (n, s, strict) => this.verified(n, s, strict),
      context: (v, s) => this.context(v, s),
    };
    // Start the first fetch at cold start (module load), so the first invocation usually finds it done.
    if (this.source.needsInitialLoad && this.hasFunctionRef()) void this.source.refresh();
  }

  refresh(): Promise<RefreshOutcome> {
    return this.source.refresh();
  }

  tableVersion(): string | undefined {
    return this.source.table?.version;
  }

  /** The first invocation must wait for a URL table (the cold start); undefined when nothing is to wait for. */
  pending(context: unknown): Promise<unknown> | undefined {
    if (!this.source.needsInitialLoad) return undefined;
    this.source.setFunction(functionRefs(this.platform, context, this.env)[0]);
    return this.source.initialLoad();
  }

  /** Decides one invocation. `extract` reads its requesters (through the resolver) and the event to hand on. */
  admit(context: unknown, extract: (resolver: RequesterResolver) => Extraction): Admission {
    this.source.maybeRefresh();
    const table = this.source.table;
    if (!this.resolved || table !== this.resolvedFor) this.resolve(table, context);
    this.table = table;
    this.invocation++;
    let extraction: Extraction;
    try {
      extraction = extract(this.resolver);
    } catch (error) {
      this.logger.error('ares agent failed while reading the requester', {
        function: this.functionId,
        error: error instanceof Error ? error.message : String(error),
      });
      if (this.failClosed) return { blocked: new ARESBlocked(undefined, this.functionId, 'agent-error') };
      return { blocked: undefined, state: this.state(undefined), event: undefined };
    }
    if (table === undefined) {
      if (this.failClosed) {
        const blocked = new ARESBlocked(undefined, this.functionId, 'no-block-table', this.source.lastError);
        this.logger.warn('ares blocked', { function: this.functionId, reason: 'no-block-table' });
        return { blocked };
      }
      return { blocked: undefined, state: this.state(extraction.requesters[0]), event: extraction.event };
    }
    const requesters = extraction.requesters;
    for (const requester of requesters) {
      // Call mode refuses blocked accesses call by call; an unknown requester is still decided here, because a
      // conduit that runs without context would pass nothing on to the hop that does the harm.
      const reason =
        this.mode === 'call' && requester.origin !== undefined
          ? undefined
          : decide(this.entry, requester.origin, this.unknownRequester);
      if (reason === undefined) continue;
      const detail = requester.invalid === undefined ? undefined : `caller context ${requester.invalid}`;
      this.logger.warn('ares blocked', {
        origin: requester.origin ?? null,
        function: this.functionId,
        reason,
        source: requester.source,
        ...(detail !== undefined ? { detail } : {}),
      });
      return { blocked: new ARESBlocked(requester.origin, this.functionId, reason, detail) };
    }
    const lead =
      requesters.find((r) => r.token !== undefined) ?? requesters.find((r) => r.origin !== undefined);
    return { blocked: undefined, state: this.state(lead ?? requesters[0]), event: extraction.event };
  }

  private state(requester: Requester | undefined): InvocationState {
    return {
      functionId: this.functionId,
      origin: requester?.origin,
      source: requester?.source ?? 'none',
      token: requester?.token,
      hops: requester?.hops ?? [],
      entry: this.entry,
      mode: this.mode,
      logger: this.logger,
      scope: this.scope,
    };
  }

  private hasFunctionRef(): boolean {
    return (
      (this.options.functionId ??
        this.env.ARES_FUNCTION_ID ??
        functionNameFromEnv(this.platform, this.env)) !== undefined
    );
  }

  private resolve(table: LoadedTable | undefined, context: unknown): void {
    const refs = functionRefs(this.platform, context, this.env);
    const configured = this.options.functionId ?? this.env.ARES_FUNCTION_ID;
    if (configured !== undefined) refs.unshift(configured);
    this.entry = table?.entryFor(refs);
    this.functionId = configured ?? this.entry?.function ?? refs[0] ?? 'unknown-function';
    if (table !== undefined && this.entry === undefined)
      this.logger.warn('ares block table does not list this function: nothing is blocked here', {
        function: this.functionId,
        version: table.version,
      });
    const arn = ARN.exec(this.functionId);
    this.scope = {
      partition: arn?.[1] ?? 'aws',
      region: (arn?.[2] || undefined) ?? this.options.region ?? this.env.AWS_REGION,
      account: arn?.[3] ?? this.options.account,
    };
    this.resolvedFor = table;
    this.resolved = true;
  }

  private loadKey(): KeyObject | undefined {
    const { publicKey, publicKeyPem } = this.options;
    if (publicKey !== undefined && typeof publicKey !== 'string') return publicKey;
    let pem = publicKey ?? publicKeyPem ?? this.env.ARES_PUBLIC_KEY;
    const file = this.options.publicKeyFile ?? this.env.ARES_PUBLIC_KEY_FILE;
    try {
      if (pem === undefined && file !== undefined) pem = readFileSync(file, 'utf8');
      return pem === undefined ? undefined : importPublicKey(pem);
    } catch (error) {
      this.logger.error('ares public key could not be loaded: every caller context will be rejected', {
        ...(file !== undefined && pem === undefined ? { file } : {}),
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  private verified(
    names: readonly string[],
    source: RequesterSource,
    strict: boolean,
  ): Requester | undefined {
    const table = this.table;
    for (const name of names) {
      const id = table?.principal(name);
      if (id !== undefined) return { origin: id, source };
    }
    return strict || names.length === 0 ? undefined : { origin: names[0], source };
  }

  private context(value: unknown, source: RequesterSource): Requester {
    if (typeof value !== 'string') return this.rejected('malformed', source);
    if (this.key === undefined) return this.rejected('no-public-key', source);
    const { token, hops } = decodePropagated(value);
    const nowSeconds = Math.floor(this.now() / 1000);
    const result = this.verify(token, nowSeconds);
    if (!result.valid) return this.rejected(result.reason, source);
    const { origin, nonce, exp, chain } = result.context;
    // A token is minted for one invocation of the function its signed chain starts with, so only there is a
    // second arrival a replay; downstream the same token legitimately arrives again (fan-out, retries).
    if (
      chain[0] !== undefined &&
      this.isThisFunction(chain[0]) &&
      !this.replay.admit(nonce, exp + SKEW_SECONDS, this.invocation, nowSeconds)
    ) {
      return this.rejected('replayed', source);
    }
    return { origin: this.table?.principal(origin) ?? origin, source, token, hops };
  }

  /**
   * Verifies a token, remembering good ones: the same token comes back on fan-out, batches and retries, and an
   * Ed25519 check is the costliest step of an invocation. A remembered token is still checked for expiry.
   */
  private verify(token: string, nowSeconds: number): VerifyResult {
    const known = this.verifiedTokens.get(token);
    if (known !== undefined && known.exp + SKEW_SECONDS >= nowSeconds) return { valid: true, context: known };
    const result = verifyCallerContext(token, this.key as KeyObject, nowSeconds);
    if (result.valid) {
      if (this.verifiedTokens.size >= VERIFIED_CACHE_SIZE)
        this.verifiedTokens.delete(this.verifiedTokens.keys().next().value as string);
      this.verifiedTokens.set(token, result.context);
    }
    return result;
  }

  /** Whether a function id from a signed chain names this function (as configured, or as the table knows it). */
  private isThisFunction(id: string): boolean {
    return id === this.functionId || id === this.entry?.function;
  }

  /** A caller context that counts for nothing: logged with the reason, never the token. */
  private rejected(reason: string, source: RequesterSource): Requester {
    this.logger.warn('ares caller context rejected', { reason, source, function: this.functionId });
    return { origin: undefined, source, invalid: reason };
  }
}
