/**
 * The agent's core, shared by every platform wrapper: configuration read once (cold start), the block table and its
 * refresh, the issuer's public key, replay detection, and `admit`: from one invocation's requesters to a block or
 * to the per-invocation state the handler runs in. `admit` is synchronous: no network, no file.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { BlockTable, FunctionBlocks } from '../model/blockTable.js';
import {
  checkToken,
  decodePropagated,
  importPrivateKey,
  importPublicKey,
  readToken,
  signHopToken,
  tokenDigest,
  type UnverifiedToken,
} from './callerContext.js';
import {
  decide,
  isOriginBlocked,
  UNKNOWN_REQUESTER_POLICIES,
  type UnknownRequesterPolicy,
} from './decide.js';
import { httpNonceClaimer, type NonceClaimer } from './nonces.js';
import { AgentConfigError, ARESBlocked } from './errors.js';
import { BlockTableSource, type RefreshOutcome } from './blockTableSource.js';
import { unqualifiedFunctionArn, type BlockTableSlice, type LoadedTable } from './loadedTable.js';
import { consoleLogger, type AgentLogger } from './logger.js';
import { detectPlatform, functionNameFromEnv, functionRefs, PLATFORMS, type Platform } from './platform.js';
import { ReplayCache } from './replayCache.js';
import type { Extraction, PendingToken, Requester, RequesterResolver, RequesterSource } from './requester.js';
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
  /** What to do with an invocation that has no verifiable requester. Default 'block-unvouched'. */
  unknownRequester?: UnknownRequesterPolicy;
  /**
   * This function's own Ed25519 private key (PEM or KeyObject), with which its agent vouches for an origin it
   * verified in the hop tokens it passes on. Default: $ARES_SIGNING_KEY, or the file $ARES_SIGNING_KEY_FILE.
   * Without it the function passes on no identity (downstream sees an unvouched invocation).
   */
  signingKey?: string | KeyObject;
  signingKeyFile?: string;
  /**
   * `ares serve`'s nonce route (`POST /v1/nonces`), making a root token single-use across every instance of its
   * entry function. Default: $ARES_NONCE_URL. Without it, single use holds per instance only.
   */
  nonceUrl?: string;
  /** Another nonce service (tests, a shared store). Takes precedence over `nonceUrl`. */
  nonces?: NonceClaimer;
  /** When the nonce service cannot answer, count the token as unverifiable (true, default) or trust the local check. */
  nonceFailClosed?: boolean;
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
  | { blocked: ARESBlocked }
  | {
      blocked: undefined;
      state: InvocationState;
      event: unknown;
      /** Settles a single-use check with the nonce service: a block, or undefined to go ahead. */
      confirm?: Promise<ARESBlocked | undefined>;
    };

/** How many verified tokens an agent remembers (oldest dropped first). */
const VERIFIED_CACHE_SIZE = 1024;

/** Tolerated clock skew of `verifyCallerContext`: a nonce must be remembered this long past its expiry. */
const SKEW_SECONDS = 30;
/** Sources whose identity is read from the event, which a direct invoker writes: claims, not facts. */
const EVENT_CLAIMS: ReadonlySet<RequesterSource> = new Set([
  'apigateway-iam',
  'http-api-iam',
  'sqs-sender-id',
  's3-principal',
  'oss-principal',
  'gcp-audit-log',
]);
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
  private readonly verifiedTokens: Map<string, true>;
  private readonly key: KeyObject | undefined;
  private readonly signingKey: KeyObject | undefined;
  private readonly nonces: NonceClaimer | undefined;
  private readonly nonceFailClosed: boolean;
  private warnedNoSigningKey = false;
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
    this.unknownRequester = options.unknownRequester ?? 'block-unvouched';
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
    this.signingKey = this.loadSigningKey();
    const nonceUrl = options.nonceUrl ?? this.env.ARES_NONCE_URL;
    const apiTokenForNonces = options.apiToken ?? this.env.ARES_API_TOKEN;
    this.nonces =
      options.nonces ??
      (nonceUrl === undefined
        ? undefined
        : httpNonceClaimer(nonceUrl, apiTokenForNonces, options.fetch ?? globalThis.fetch));
    this.nonceFailClosed = options.nonceFailClosed ?? true;
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
      context: (v, s, sender) => this.context(v, s, sender),
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

  /**
   * Decides one invocation. `extract` reads its requesters (through the resolver) and the event to hand on. When
   * the answer rests on a root token that must be single-use across instances, `confirm` settles it (the wrapper
   * awaits it before the handler runs).
   */
  admit(context: unknown, extract: (resolver: RequesterResolver) => Extraction): Admission {
    this.source.maybeRefresh();
    const loaded = this.source.table;
    if (!this.resolved || loaded !== this.resolvedFor) this.resolve(loaded, context);
    // A table that does not list this function says nothing about it: as good as no table.
    const table = this.entry === undefined ? undefined : loaded;
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
        const why =
          loaded === undefined ? this.source.lastError : 'the block table does not list this function';
        const blocked = new ARESBlocked(undefined, this.functionId, 'no-block-table', why);
        this.logger.warn('ares blocked', { function: this.functionId, reason: 'no-block-table' });
        return { blocked };
      }
      return { blocked: undefined, state: this.state(undefined), event: extraction.event };
    }
    const requesters = extraction.requesters;
    const nonceChecks: { requester: Requester; claim: () => Promise<string | undefined> }[] = [];
    for (let i = 0; i < requesters.length; i++) {
      let requester = requesters[i]!;
      // A token's claim is checked only when the answer depends on it: its origin would pass here, but an
      // invocation with no identity would not.
      if (
        requester.pending !== undefined &&
        requester.origin !== undefined &&
        !isOriginBlocked(this.entry, requester.origin) &&
        decide(this.entry, undefined, this.unknownRequester) !== undefined
      ) {
        const failure = requester.pending.verify();
        if (failure !== undefined) requester = this.rejected(failure, requester.source);
        else {
          const claim = requester.pending.claimNonce;
          requester = { ...requester, pending: undefined };
          if (claim !== undefined) nonceChecks.push({ requester, claim: () => claim() });
        }
        requesters[i] = requester;
      }
      const blocked = this.decideOne(requester);
      if (blocked) return { blocked };
    }
    const lead =
      requesters.find((r) => r.token !== undefined) ?? requesters.find((r) => r.origin !== undefined);
    const admitted = {
      blocked: undefined,
      state: this.state(lead ?? requesters[0]),
      event: extraction.event,
    };
    if (nonceChecks.length === 0) return admitted;
    const confirm = Promise.all(nonceChecks.map((c) => c.claim())).then((failures) => {
      const failed = failures.findIndex((f) => f !== undefined);
      if (failed < 0) return undefined;
      const rejected = this.rejected(failures[failed]!, nonceChecks[failed]!.requester.source);
      return this.decideOne(rejected) ?? undefined;
    });
    return { ...admitted, confirm };
  }

  /** The block for one requester, if any (logged). */
  private decideOne(requester: Requester): ARESBlocked | undefined {
    // Call mode refuses blocked accesses call by call; an unknown requester is still decided here, because a
    // conduit that runs without context would pass nothing on to the hop that does the harm.
    const reason =
      this.mode === 'call' && requester.origin !== undefined
        ? undefined
        : decide(this.entry, requester.origin, this.unknownRequester);
    if (reason === undefined) return undefined;
    const detail = requester.invalid === undefined ? undefined : `caller context ${requester.invalid}`;
    this.logger.warn('ares blocked', {
      origin: requester.origin ?? null,
      function: this.functionId,
      reason,
      source: requester.source,
      ...(detail !== undefined ? { detail } : {}),
    });
    return new ARESBlocked(requester.origin, this.functionId, reason, detail);
  }

  private state(requester: Requester | undefined): InvocationState {
    const state: InvocationState = {
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
    if (requester?.origin !== undefined) state.vouch = this.voucher(requester);
    return state;
  }

  /**
   * How this invocation vouches for its origin downstream: a hop token per audience, signed with this function's
   * key, minted on the first outgoing call to it. A claim not yet checked is checked first; one that fails is
   * passed on as nothing.
   */
  private voucher(requester: Requester): (audience: string) => Promise<string | undefined> {
    const minted = new Map<string, string>();
    let checked: Promise<boolean> | undefined;
    const origin = requester.origin!;
    const chain = requester.hops ?? [];
    const functionId = this.entry?.function ?? this.functionId;
    const fullChain = chain[chain.length - 1] === functionId ? [...chain] : [...chain, functionId];
    const parent = requester.token === undefined ? '' : tokenDigest(requester.token);
    const version = this.table?.version ?? '';
    return async (audience) => {
      if (this.signingKey === undefined) {
        if (!this.warnedNoSigningKey)
          this.logger.warn('ares has no signing key for this function: it passes on no identity', {
            function: this.functionId,
          });
        this.warnedNoSigningKey = true;
        return undefined;
      }
      checked ??= this.confirmClaim(requester);
      if (!(await checked)) return undefined;
      let token = minted.get(audience);
      if (token === undefined) {
        token = signHopToken(
          { origin, chain: fullChain, version, issuer: functionId, audience, parent },
          this.signingKey,
          { now: Math.floor(this.now() / 1000) },
        );
        minted.set(audience, token);
      }
      return token;
    };
  }

  private async confirmClaim(requester: Requester): Promise<boolean> {
    const pending = requester.pending;
    if (pending === undefined) return true;
    const failure = pending.verify() ?? (await pending.claimNonce?.());
    if (failure === undefined) return true;
    this.logger.warn('ares caller context rejected: the origin is not passed on', {
      reason: failure,
      source: requester.source,
      function: this.functionId,
    });
    return false;
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
    // An identity read from the event counts only where no origin that matters here may invoke directly and
    // write it (`eventClaims`; a table without it: wherever the function is not a conduit).
    const entry = this.entry;
    if (EVENT_CLAIMS.has(source) && !(entry?.eventClaims ?? (entry !== undefined && !entry.conduit))) {
      if (names.length > 0) return this.rejected('untrusted-claim', source);
      return undefined;
    }
    const table = this.table;
    for (const name of names) {
      const id = table?.principal(name);
      if (id !== undefined) return { origin: id, source };
    }
    return strict || names.length === 0 ? undefined : { origin: names[0], source };
  }

  private context(value: unknown, source: RequesterSource, sender?: string): Requester {
    if (typeof value !== 'string') return this.rejected('malformed', source);
    const { token } = decodePropagated(value);
    const parsed = readToken(token);
    if (parsed === undefined) return this.rejected('malformed', source);
    const claim = parsed.context;
    let key: KeyObject | undefined;
    if (claim.issuer === undefined) {
      // A root token (`ares serve`) is minted for one invocation of its entry function, and never rides a message.
      if (sender !== undefined) return this.rejected('sender-mismatch', source);
      if (claim.chain[0] === undefined || !this.isThisFunction(claim.chain[0]))
        return this.rejected('wrong-hop', source);
      if (this.key === undefined) return this.rejected('no-public-key', source);
      key = this.key;
    } else {
      const upstream = this.entry?.upstream;
      const resources =
        upstream !== undefined && Object.hasOwn(upstream, claim.issuer) ? upstream[claim.issuer] : undefined;
      if (resources === undefined) return this.rejected('unknown-issuer', source);
      if (!this.audienceMatches(claim.audience, resources)) return this.rejected('wrong-hop', source);
      // SQS names the sender: a function's role session carries the function's name, which must be the issuer's.
      if (sender !== undefined && !senderIsFunction(sender, claim.issuer))
        return this.rejected('sender-mismatch', source);
      key = this.table?.signer(claim.issuer);
      if (key === undefined) return this.rejected('no-signer-key', source);
    }
    return {
      origin: this.table?.principal(claim.origin) ?? claim.origin,
      source,
      token,
      hops: claim.chain,
      pending: this.pendingCheck(token, parsed, key),
    };
  }

  /** The deferred check of one token: signature and times, then (root tokens) single use. */
  private pendingCheck(token: string, parsed: UnverifiedToken, key: KeyObject): PendingToken {
    const claim = parsed.context;
    const invocation = this.invocation;
    const root = claim.issuer === undefined;
    const pending: PendingToken = {
      verify: () => {
        const nowSeconds = Math.floor(this.now() / 1000);
        if (!this.verifiedTokens.has(token) || claim.exp + SKEW_SECONDS < nowSeconds) {
          const result = checkToken(parsed, key, nowSeconds);
          if (!result.valid) return result.reason;
          this.remember(token);
        }
        // Single use at the entry function: a second invocation presenting it is a replay.
        if (root && !this.replay.admit(claim.nonce, claim.exp + SKEW_SECONDS, invocation, nowSeconds))
          return 'replayed';
        return undefined;
      },
    };
    const nonces = this.nonces;
    if (root && nonces !== undefined) {
      const functionId = this.entry?.function ?? this.functionId;
      pending.claimNonce = async () => {
        try {
          return (await nonces.claim(claim.nonce, claim.exp + SKEW_SECONDS, functionId))
            ? undefined
            : 'replayed';
        } catch (error) {
          this.logger.warn('ares nonce service unreachable', {
            function: this.functionId,
            error: error instanceof Error ? error.message : String(error),
          });
          return this.nonceFailClosed ? 'nonce-service-unreachable' : undefined;
        }
      };
    }
    return pending;
  }

  /** Remembers a verified token: the same one comes back on fan-out, batches and retries. */
  private remember(token: string): void {
    if (this.verifiedTokens.size >= VERIFIED_CACHE_SIZE)
      this.verifiedTokens.delete(this.verifiedTokens.keys().next().value as string);
    this.verifiedTokens.set(token, true);
  }

  /** A hop token's audience names this function (invoke) or one of the event sources `resources` lists. */
  private audienceMatches(audience: string | undefined, resources: readonly string[]): boolean {
    if (audience === undefined || audience === '') return false;
    if (resources.includes(audience) || resources.includes(unqualifiedFunctionArn(audience))) return true;
    const entry = this.entry;
    return entry !== undefined && audience === entry.name && resources.includes(entry.function);
  }

  /** Whether a function id from a signed chain names this function (as configured, or as the table knows it). */
  private isThisFunction(id: string): boolean {
    return id === this.functionId || id === this.entry?.function || id === this.entry?.name;
  }

  /** A caller context that counts for nothing: logged with the reason, never the token. */
  private rejected(reason: string, source: RequesterSource): Requester {
    this.logger.warn('ares caller context rejected', { reason, source, function: this.functionId });
    return { origin: undefined, source, invalid: reason };
  }

  private loadSigningKey(): KeyObject | undefined {
    const { signingKey } = this.options;
    if (signingKey !== undefined && typeof signingKey !== 'string') return signingKey;
    let pem = signingKey ?? this.env.ARES_SIGNING_KEY;
    const file = this.options.signingKeyFile ?? this.env.ARES_SIGNING_KEY_FILE;
    try {
      if (pem === undefined && file !== undefined) pem = readFileSync(file, 'utf8');
      return pem === undefined ? undefined : importPrivateKey(pem);
    } catch (error) {
      this.logger.error('ares signing key could not be loaded: this function passes on no identity', {
        ...(file !== undefined && pem === undefined ? { file } : {}),
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }
}

/** `AROA…:order-consumer` (a Lambda function's role session) names the function `…:function:order-consumer`. */
function senderIsFunction(sender: string, issuer: string): boolean {
  const colon = sender.indexOf(':');
  if (colon < 0) return false;
  const session = sender.slice(colon + 1);
  const name = issuer.slice(issuer.lastIndexOf(':') + 1);
  return session !== '' && (session === name || session === issuer);
}
