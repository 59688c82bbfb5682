/**
 * Where the agent's block table comes from: an object, a file (read once, at cold start), or `ares serve`
 * (`GET /v1/block-table/{function}` with a Bearer token, fetched at cold start and then refreshed in the background
 * by ETag). A refresh is started by an invocation that finds the table older than `refreshSeconds`, never awaited
 * by it: timers are useless in a function that is frozen between invocations, and the hot path never waits on the
 * network. A failed refresh keeps the table it had.
 */
import { readFileSync } from 'node:fs';
import { LoadedTable } from './loadedTable.js';
import type { AgentLogger } from './logger.js';

export type RefreshOutcome = 'updated' | 'not-modified' | 'failed' | 'static';

export interface BlockTableSourceOptions {
  /** A compiled table or a slice, used as is. */
  blockTable?: unknown;
  blockTableFile?: string;
  /**
   * `ares serve`'s base URL (the agent appends `/v1/block-table/{function}`), or a full URL with a `{function}`
   * placeholder.
   */
  blockTableUrl?: string;
  apiToken?: string;
  refreshSeconds: number;
  /** Milliseconds since the epoch (injectable for tests). */
  now: () => number;
  fetch: typeof fetch;
  logger: AgentLogger;
}

/** After a failed fetch, the next attempt waits at most this long (or `refreshSeconds`, if shorter). */
const RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

export class BlockTableSource {
  private loaded: LoadedTable | undefined;
  private error: string | undefined;
  private etag: string | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<RefreshOutcome> | undefined;
  private first: Promise<RefreshOutcome> | undefined;
  private firstDone = false;
  private functionRef: string | undefined;
  private readonly url: string | undefined;

  constructor(private readonly options: BlockTableSourceOptions) {
    this.url = options.blockTableUrl;
    if (options.blockTable !== undefined) this.load(() => options.blockTable, 'blockTable option');
    else if (options.blockTableFile !== undefined) {
      const file = options.blockTableFile;
      this.load(() => JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
    } else if (this.url === undefined) this.error = 'no block table configured';
  }

  /** The table in force, if any could be loaded. */
  get table(): LoadedTable | undefined {
    return this.loaded;
  }

  /** Why there is no table (or why the last refresh failed). */
  get lastError(): string | undefined {
    return this.error;
  }

  /** A URL source whose first fetch has not finished: the first invocation (the cold start) waits for it. */
  get needsInitialLoad(): boolean {
    return this.url !== undefined && !this.firstDone;
  }

  /** The first fetch (started now if it was not yet). */
  initialLoad(): Promise<RefreshOutcome> {
    return this.first ?? this.refresh();
  }

  /** Sets the function name used in the URL (known from the environment or the first invocation's context). */
  setFunction(ref: string | undefined): void {
    if (this.functionRef === undefined && ref !== undefined && ref !== '') this.functionRef = ref;
  }

  /** Starts a background refresh when one is due; never waits for it. Cheap when none is. */
  maybeRefresh(): void {
    if (this.url === undefined || this.inflight !== undefined) return;
    const interval = this.options.refreshSeconds * 1000;
    const wait = this.loaded === undefined ? Math.min(interval, RETRY_MS) : interval;
    if (this.options.now() - this.lastAttempt < wait) return;
    void this.refresh();
  }

  /** Fetches now (If-None-Match the current version); concurrent callers share one request. */
  refresh(): Promise<RefreshOutcome> {
    if (this.url === undefined) return Promise.resolve('static');
    this.inflight ??= this.fetchTable(this.url).finally(() => {
      this.inflight = undefined;
      this.firstDone = true;
    });
    this.first ??= this.inflight;
    return this.inflight;
  }

  private load(read: () => unknown, source: string): void {
    try {
      this.loaded = LoadedTable.parse(read(), source);
      this.error = undefined;
    } catch (error) {
      this.error = `${source}: ${error instanceof Error ? error.message : String(error)}`;
      this.options.logger.error('ares block table could not be loaded', { error: this.error });
    }
  }

  private requestUrl(base: string): string {
    const ref = encodeURIComponent(this.functionRef ?? '');
    if (base.includes('{function}')) return base.replace('{function}', ref);
    return `${base.replace(/\/+$/, '')}/v1/block-table/${ref}`;
  }

  private async fetchTable(base: string): Promise<RefreshOutcome> {
    this.lastAttempt = this.options.now();
    const url = this.requestUrl(base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiToken !== undefined) headers.authorization = `Bearer ${this.options.apiToken}`;
    if (this.etag !== undefined && this.loaded !== undefined) headers['if-none-match'] = this.etag;
    try {
      const response = await this.options.fetch(url, {
        headers,
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (response.status === 304) {
        await response.body?.cancel();
        return 'not-modified';
      }
      if (!response.ok) {
        await response.body?.cancel();
        // 404 included: a path prefix, a misspelt function id or any other web server must not lift blocking.
        throw new Error(`HTTP ${response.status}`);
      }
      const table = LoadedTable.parse(await response.json(), withoutQuery(url));
      this.loaded = table;
      this.etag = response.headers.get('etag') ?? (table.version ? `"${table.version}"` : undefined);
      this.error = undefined;
      return 'updated';
    } catch (error) {
      this.error = `GET ${withoutQuery(url)}: ${error instanceof Error ? error.message : String(error)}`;
      this.options.logger.warn('ares block table refresh failed', {
        error: this.error,
        keeping: this.loaded?.version ?? null,
      });
      return 'failed';
    }
  }
}

/** A URL fit for a log line: no query string (which might hold a credential). */
function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
