/** `ares serve`: run the decision service over the latest profile until SIGINT or SIGTERM. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import { importPrivateKey, importPublicKey } from '../../agent/callerContext.js';
import { openAuditLog, type AuditLog } from '../../runtime/auditLog.js';
import { readConfigFile, resolveServeConfig, tokensFromEnv } from '../../runtime/config.js';
import { ProfileStoreError } from '../../runtime/errors.js';
import { openProfileSource, type ProfileSource } from '../../runtime/profileSource.js';
import { createProfileHolder, type ProfileHolder } from '../../runtime/reload.js';
import { createAresServer, type AresServer } from '../../runtime/server.js';
import { decideAndRecord, type DecisionDeps } from '../../runtime/decisionRecorder.js';
import { createMetrics } from '../../runtime/metrics.js';
import { escapeLogLine } from '../../runtime/inputRules.js';
import { memoryNonceStore, sqliteNonceStore, type NonceStore } from '../../runtime/nonceStore.js';
import { ProfileLoadError, ServeConfigError } from '../../runtime/serverErrors.js';
import { mcpRoutes } from '../../reasoning/mcp/http.js';
import { a2aRoutes } from '../../reasoning/a2a/index.js';
import { createReasoningOrchestrator, type ReasoningOrchestrator } from '../../reasoning/engine/index.js';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_KEY_DIR, PRIVATE_KEY_FILE } from './keys.js';
import { ARES_VERSION } from '../version.js';

export const serveHelp = `Usage: ares serve [options]

Runs the decision service: POST /v1/decide, GET /v1/block-table/{function}, POST /v1/invoke/{function},
GET /metrics, GET /healthz (see docs/api.md), and the MCP tools at POST /mcp (Streamable HTTP, see
docs/mcp.md), and the A2A agent (card at /.well-known/agent-card.json, JSON-RPC at POST /a2a/jsonrpc; see
docs/reasoning.md). Every /v1 route, /mcp and /a2a/ needs Authorization: Bearer <token>, with
tokens from ARES_API_TOKEN (comma-separated) or apiTokens in the config file.

Options:
  --profile FILE            profile store, or a ProfileSnapshot .json file (default .ares/profile.db)
  --port N                  port (default 8787; 0 picks a free one)
  --host H                  address to listen on (default 127.0.0.1)
  --config FILE             JSON: apiTokens, principals, trustedIdentityHeader, functions, unknownFunction,
                            store
  --private-key FILE        Ed25519 private key (PEM) to sign caller contexts; needed by /v1/invoke
                            (default .ares/ares-signing.key when it exists: see 'ares keys')
  --public-key FILE         another Ed25519 public key (PEM) caller contexts may be signed with (repeatable)
  --audit FILE              audit log database (default .ares/audit.db)
  --store URL               postgres://user:password@host:port/db: nonces and the audit log in PostgreSQL,
                            shared by every replica given the same URL (instead of the SQLite files);
                            also "store" in the config file, which keeps the password out of ps
  --reload-interval S       seconds between checks for a new profile (default 5; 0 only on SIGHUP)
  --max-connections N       open connections at once; more are answered 503 (default 1024; also
                            limits.maxConnections in the config, with the timeouts and body limits)
  -h, --help                show this help

Signals: SIGHUP reloads the profile now; SIGINT and SIGTERM stop after requests in flight finish.
Exit codes: 0 stopped by a signal, 2 usage or configuration error (for example no API token).`;

export interface ServeOptions {
  profile: string;
  port: number;
  host: string;
  config?: string;
  privateKey?: string;
  publicKeys: string[];
  audit: string;
  /** `postgres://...`: nonces and the audit log in PostgreSQL, shared by replicas (overrides `audit`). */
  store?: string;
  reloadIntervalSeconds: number;
  /** Overrides `limits.maxConnections` of the config file. */
  maxConnections?: number;
}

export interface RunningServe {
  server: AresServer;
  profiles: ProfileHolder;
  /** The reasoning engine behind /a2a/jsonrpc; its blocks are merged into the served block table. */
  reasoning: ReasoningOrchestrator;
  url: string;
  /** Graceful stop: the listener, then the poller, the audit log and the profile source. */
  stop(): Promise<void>;
}

function readKey(file: string, kind: 'private' | 'public'): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? importPrivateKey(pem) : importPublicKey(pem);
  } catch {
    throw new InputError(file, `not a PEM ${kind} key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new InputError(file, `not an Ed25519 ${kind} key`);
  return key;
}

/** Starts the service; configuration problems throw UsageError or InputError (exit 2). */
export async function startServe(
  options: ServeOptions,
  env: NodeJS.ProcessEnv = process.env,
  rawLog: (line: string) => void = (line) => process.stderr.write(`ares serve: ${line}\n`),
): Promise<RunningServe> {
  // Every line is escaped (the server escapes its own, see createAresServer), so none can pass for two.
  const log = (line: string): void => rawLog(escapeLogLine(line));
  let config;
  try {
    config = resolveServeConfig(
      options.config ? readConfigFile(options.config) : {},
      tokensFromEnv(env.ARES_API_TOKEN),
    );
  } catch (error) {
    if (error instanceof ServeConfigError && error.source === 'configuration')
      throw new UsageError(error.problem);
    if (error instanceof ServeConfigError) throw new InputError(error.source, error.problem);
    throw error;
  }
  if (options.maxConnections !== undefined) config.limits.maxConnections = options.maxConnections;
  const signingKey = options.privateKey === undefined ? undefined : readKey(options.privateKey, 'private');
  const verifyKeys = options.publicKeys.map((file) => readKey(file, 'public'));

  let source: ProfileSource | undefined;
  let profiles: ProfileHolder;
  try {
    source = openProfileSource(options.profile);
    profiles = createProfileHolder(source, { log });
  } catch (error) {
    source?.close();
    if (error instanceof ProfileLoadError) throw new InputError(error.file, error.problem);
    if (error instanceof ProfileStoreError) throw new InputError(error.file, error.problem);
    throw error;
  }
  let audit: AuditLog;
  let nonces: NonceStore;
  let closeStore: () => Promise<void>;
  const storeUrl = options.store ?? config.store;
  if (storeUrl !== undefined) {
    // Several replicas: nonces and the audit log in PostgreSQL. The driver is loaded only for this.
    const { openPostgresStore, redactStoreUrl } = await import('../../runtime/postgresStore.js');
    try {
      const store = await openPostgresStore(storeUrl, { onError: log });
      ({ audit, nonces } = store);
      closeStore = () => store.close();
    } catch (error) {
      source.close();
      // The message names the store with its password redacted.
      throw new UsageError(
        error instanceof Error ? error.message : `cannot open the store ${redactStoreUrl(storeUrl)}`,
      );
    }
  } else {
    let sqliteAudit: AuditLog;
    try {
      sqliteAudit = openAuditLog(options.audit);
    } catch (error) {
      source.close();
      throw new InputError(
        options.audit,
        `cannot open the audit log: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
    // Used root-token nonces live in the profile store's SQLite file (a table of their own, a connection of their
    // own), so every replica serving that store shares them; a JSON profile keeps them in memory.
    let sqliteNonces: NonceStore;
    try {
      sqliteNonces = options.profile.endsWith('.json')
        ? memoryNonceStore()
        : sqliteNonceStore(options.profile);
    } catch (error) {
      await sqliteAudit.close();
      source.close();
      throw new InputError(
        options.profile,
        `cannot open the nonce table: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
    audit = sqliteAudit;
    nonces = sqliteNonces;
    closeStore = async () => {
      await sqliteNonces.close();
      await sqliteAudit.close();
    };
  }
  const reasoning = createReasoningOrchestrator({
    current: () => profiles.current().snapshot,
    log,
    cacheSize: config.reasoningCacheSize,
  });
  const metrics = createMetrics();
  // A2A and MCP decisions go through the same decide function and audit log as /v1/decide (no token there).
  const decisions: DecisionDeps = {
    audit,
    metrics,
    verifyKeys: [],
    unknownFunction: config.unknownFunction,
    log,
  };
  const server = createAresServer({
    config,
    profiles,
    audit,
    metrics,
    nonces,
    ...(signingKey ? { signingKey } : {}),
    verifyKeys,
    log: rawLog,
    // The MCP tools over the profile the server holds (rebuilt when its version changes).
    extraRoutes: [
      ...mcpRoutes({
        version: ARES_VERSION,
        recordDecision: (profile, fn, principal) =>
          decideAndRecord(decisions, profile, { function: fn, principal }, 'mcp'),
      }),
      // A2A: the agent card and SendMessage, answered by the reasoning engine, decided by the service.
      ...a2aRoutes({
        orchestrator: reasoning,
        version: ARES_VERSION,
        log,
        decide: (invocation, profile) =>
          decideAndRecord(
            decisions,
            profile,
            {
              function: invocation.function,
              ...(invocation.principal === undefined ? {} : { principal: invocation.principal }),
            },
            'a2a',
          ),
      }),
    ],
    blockOverlay: reasoning.blockOverlay,
  });
  const openSource = source;
  const address = await server.listen(options.port, options.host).catch(async (error: unknown) => {
    await closeStore();
    openSource.close();
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot listen on ${options.host}:${options.port} (${code})`);
  });
  if (options.reloadIntervalSeconds > 0) profiles.start(options.reloadIntervalSeconds * 1000);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    profiles,
    reasoning,
    url: `http://${host}:${address.port}`,
    stop: async () => {
      profiles.stop();
      await server.close();
      await reasoning.close();
      await closeStore();
      openSource.close();
    },
  };
}

export function parseServeArgs(args: string[]): ServeOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: '.ares/profile.db' },
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      config: { type: 'string' },
      'private-key': { type: 'string' },
      'public-key': { type: 'string', multiple: true, default: [] },
      audit: { type: 'string', default: '.ares/audit.db' },
      store: { type: 'string' },
      'reload-interval': { type: 'string', default: '5' },
      'max-connections': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got "${positionals[0]}")`);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535)
    throw new UsageError('--port must be a number from 0 to 65535');
  const interval = Number(values['reload-interval']);
  if (!Number.isFinite(interval) || interval < 0)
    throw new UsageError('--reload-interval must be seconds, 0 or more');
  const options: ServeOptions = {
    profile: values.profile,
    port,
    host: values.host,
    publicKeys: values['public-key'],
    audit: values.audit,
    reloadIntervalSeconds: interval,
  };
  if (values.config !== undefined) options.config = values.config;
  if (values.store !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(values.store))
      throw new UsageError('--store must be a postgres:// URL (SQLite, the default, needs no --store)');
    options.store = values.store;
  }
  if (values['max-connections'] !== undefined) {
    const max = Number(values['max-connections']);
    if (!/^\d+$/.test(values['max-connections']) || max < 1)
      throw new UsageError('--max-connections must be a whole number, 1 or more');
    options.maxConnections = max;
  }
  const defaultKey = join(DEFAULT_KEY_DIR, PRIVATE_KEY_FILE);
  if (values['private-key'] !== undefined) options.privateKey = values['private-key'];
  else if (existsSync(defaultKey)) options.privateKey = defaultKey;
  return options;
}

export async function runServe(
  args: string[],
  print: (text: string) => void,
  printErr: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<number> {
  const options = parseServeArgs(args);
  if (options === 'help') {
    print(serveHelp);
    return 0;
  }
  const log = (line: string): void => printErr(`ares serve: ${line}`);
  const running = await startServe(options, process.env, log);
  print(`ares serve: listening on ${running.url} (profile ${running.profiles.current().version})`);
  return new Promise<number>((resolve) => {
    const reload = (): void => {
      const result = running.profiles.reload();
      if (!result.changed && !('error' in result)) log(`SIGHUP: profile ${result.version} is current`);
    };
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGHUP', reload);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      log(`${signal}: stopping`);
      void running.stop().then(() => resolve(0));
    };
    process.on('SIGHUP', reload);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
