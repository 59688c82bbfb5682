/**
 * `ares serve`, the decision service: an HTTP server on `node:http` whose routes are plain handler functions
 * (see http.ts), composed here in one list. It answers decisions, distributes block-table slices to agents,
 * proxies invocations with a signed caller context, and appends every decision to the audit log.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditLog } from './auditLog.js';
import { createBearerAuth, type ApiCaller } from './auth.js';
import type { ServeConfig } from './config.js';
import type { DecisionDeps } from './decisionRecorder.js';
import { errorResponse, matchPattern, route, type Route } from './http.js';
import { createInvokeForwarder, type InvokeForwarder } from './invokeProxy.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { LoadedProfile } from './loadedProfile.js';
import type { ProfileHolder } from './reload.js';
import { blockTableRoute, type BlockOverlay } from './routes/blockTable.js';
import { decideRoute } from './routes/decide.js';
import { healthRoute } from './routes/health.js';
import { invokeRoute } from './routes/invoke.js';
import { metricsRoute } from './routes/metrics.js';
import { memoryNonceStore, type NonceStore } from './nonceStore.js';
import { noncesRoute } from './routes/nonces.js';

/** Lambda's synchronous payload limit, plus room for the envelope. */
const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024 + 64 * 1024;

export interface AresServerOptions {
  config: ServeConfig;
  profiles: ProfileHolder;
  audit: AuditLog;
  metrics?: Metrics;
  /** Signs the caller contexts the invocation proxy mints; its public key also verifies tokens. */
  signingKey?: KeyObject;
  /** More keys a caller context may be signed with (public keys). */
  verifyKeys?: KeyObject[];
  forwarder?: InvokeForwarder;
  /** Where operational lines go; never given a secret. */
  log?: (line: string) => void;
  maxBodyBytes?: number;
  /** More routes (e.g. `/mcp` from the reasoning module); those under `/v1/`, `/mcp` and `/a2a/` need a bearer token. */
  extraRoutes?: Route[];
  /** Blocks merged into the served block-table slices (the reasoning engine's decisions). */
  blockOverlay?: BlockOverlay;
  /** Where `POST /v1/nonces` records used root-token nonces. Default: in memory (one server only). */
  nonces?: NonceStore;
}

export interface AresServer {
  /** Answers one request; the HTTP listener calls this, and tests may too. */
  handle(request: Request): Promise<Response>;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), then closes what is left. */
  close(graceMs?: number): Promise<void>;
  readonly metrics: Metrics;
}

/** Paths that need a bearer token, whether or not a route serves them (so 401 comes before 404). */
function needsAuth(path: string): boolean {
  return (
    path.startsWith('/v1/') ||
    path === '/mcp' ||
    path.startsWith('/mcp/') ||
    path.startsWith('/a2a/') ||
    path === '/metrics'
  );
}

export function createAresServer(options: AresServerOptions): AresServer {
  const log = options.log ?? ((line: string) => process.stderr.write(`ares serve: ${line}\n`));
  const metrics = options.metrics ?? createMetrics();
  const authenticate = createBearerAuth(options.config.apiTokens, options.config.principals);
  const verifyKeys = [
    ...(options.signingKey ? [createPublicKey(options.signingKey)] : []),
    ...(options.verifyKeys ?? []),
  ];
  const decision: DecisionDeps = {
    audit: options.audit,
    metrics,
    verifyKeys,
    unknownFunction: options.config.unknownFunction,
    log,
  };
  const routes: Route[] = [
    route('GET', '/healthz', healthRoute()),
    route('GET', '/metrics', metricsRoute(metrics, options.profiles)),
    route('POST', '/v1/decide', decideRoute(decision)),
    route('GET', '/v1/block-table/{function}', blockTableRoute(options.blockOverlay)),
    route('POST', '/v1/nonces', noncesRoute(options.nonces ?? memoryNonceStore())),
    route(
      'POST',
      '/v1/invoke/{function}',
      invokeRoute({
        ...decision,
        config: options.config,
        signingKey: options.signingKey,
        forwarder: options.forwarder ?? createInvokeForwarder(),
      }),
    ),
    ...(options.extraRoutes ?? []),
  ];

  const dispatch = async (request: Request, profile: LoadedProfile): Promise<Response> => {
    const path = new URL(request.url).pathname;
    let caller: ApiCaller | undefined;
    if (needsAuth(path)) {
      caller = authenticate(request.headers.get('authorization'));
      if (!caller) {
        const denied = errorResponse(401, 'Unauthorized', 'a valid bearer token is required');
        denied.headers.set('www-authenticate', 'Bearer');
        return denied;
      }
    }
    const matching = routes.filter((r) => matchPattern(r.pattern, path) !== undefined);
    const found = matching.find((r) => r.method === request.method);
    if (!found) {
      if (matching.length === 0) return errorResponse(404, 'NotFound', `no route ${path}`);
      const notAllowed = errorResponse(
        405,
        'MethodNotAllowed',
        `${request.method} is not allowed on ${path}`,
      );
      notAllowed.headers.set('allow', matching.map((r) => r.method).join(', '));
      return notAllowed;
    }
    return found.handler(request, { params: matchPattern(found.pattern, path) ?? {}, caller, profile });
  };

  const handle = async (request: Request): Promise<Response> => {
    // Read once: a reload while this request runs does not change the profile it decides with.
    const profile = options.profiles.current();
    let response: Response;
    try {
      response = await dispatch(request, profile);
    } catch (error) {
      log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      response = errorResponse(500, 'InternalError', 'the server failed to answer this request');
    }
    try {
      response.headers.set('x-ares-profile-version', profile.version);
    } catch {
      // A Response with immutable headers (a fetched one) goes back as it is.
    }
    metrics.recordResponse(response.status);
    return response;
  };

  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const done = serveNode(req, res, handle, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES).catch(
      (error: unknown) => {
        log(`connection error: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });

  return {
    handle,
    metrics,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async (graceMs = 10_000) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(inFlight), grace]);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Reads the body (refusing more than `limit` bytes), builds a web Request, and writes the Response back. */
async function serveNode(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: Request) => Promise<Response>,
  limit: number,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ error: 'PayloadTooLarge', message: `the body exceeds ${limit} bytes` }));
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
    } catch {
      // A header the fetch API refuses is one no handler reads.
    }
  }
  const method = req.method ?? 'GET';
  const request = new Request(new URL(req.url ?? '/', 'http://ares.invalid'), {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  });
  const response = await handle(request);
  const outgoing: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    outgoing[key] = value;
  });
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.writeHead(response.status, outgoing);
  res.end(body);
}
