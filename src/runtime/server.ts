/**
 * `ares serve`, the decision service: an HTTP server on `node:http` whose routes are plain handler functions
 * (see http.ts), composed here in one list. It answers decisions, distributes block-table slices to agents,
 * proxies invocations with a signed caller context, and appends every decision to the audit log.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AuditLog } from './auditLog.js';
import { createBearerAuth, type ApiCaller, type Authenticate } from './auth.js';
import type { BodyLimits, ServeConfig, ServerLimits } from './config.js';
import { AuditWriteError, type DecisionDeps } from './decisionRecorder.js';
import { errorResponse, matchPattern, route, type Route } from './http.js';
import { escapeLogLine } from './inputRules.js';
import { createInvokeForwarder, type InvokeForwarder } from './invokeProxy.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { LoadedProfile } from './loadedProfile.js';
import type { ProfileHolder } from './reload.js';
import { blockTableRoute, type BlockOverlay } from './routes/blockTable.js';
import { decideFromText, decideRoute } from './routes/decide.js';
import { healthRoute } from './routes/health.js';
import { invokeRoute } from './routes/invoke.js';
import { metricsRoute } from './routes/metrics.js';
import { memoryNonceStore, type NonceStore } from './nonceStore.js';
import { noncesRoute } from './routes/nonces.js';

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
  const sink = options.log ?? ((line: string) => process.stderr.write(`ares serve: ${line}\n`));
  // Every line is escaped here, whatever it quotes, so no request can write a line of its own into the log.
  const log = (line: string): void => sink(escapeLogLine(line));
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
      if (error instanceof AuditWriteError)
        // An answer that is not in the audit log is not given: the client may retry.
        response = errorResponse(503, 'AuditUnavailable', error.message);
      else {
        log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        response = errorResponse(500, 'InternalError', 'the server failed to answer this request');
      }
    }
    try {
      response.headers.set('x-ares-profile-version', profile.version);
    } catch {
      // A Response with immutable headers (a fetched one) goes back as it is.
    }
    metrics.recordResponse(response.status);
    return response;
  };

  // `/v1/decide` is the hot path: answered on node:http directly, without web Request/Response objects (which
  // cost several times the decision itself); the same parse, decide and audit as the route above.
  const decideFast: FastDecide = async (text) => {
    const profile = options.profiles.current();
    let status: number;
    let body: Record<string, unknown>;
    try {
      ({ status, body } = await decideFromText(decision, profile, text));
    } catch (error) {
      if (error instanceof AuditWriteError) {
        status = 503;
        body = { error: 'AuditUnavailable', message: error.message };
      } else {
        log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        status = 500;
        body = { error: 'InternalError', message: 'the server failed to answer this request' };
      }
    }
    metrics.recordResponse(status);
    return { status, text: JSON.stringify(body), version: profile.version };
  };

  const limits = options.config.limits;
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default): a slow client is cut close to time.
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
      const done = serveNode(req, res, {
        handle,
        decideFast,
        authenticate,
        limits: limits.maxBodyBytes,
      }).catch((error: unknown) => {
        // A client that went away mid-request is not a server fault; anything else is logged without detail.
        if (!req.destroyed && !res.destroyed)
          log(`connection error: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent && !res.destroyed) res.writeHead(500, { connection: 'close' });
        res.end();
      });
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    },
  );
  limitConnections(server, limits);

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

/**
 * Counts connections and answers one over the cap with a 503 written straight to the socket, then closes it
 * (Node's own `maxConnections` drops the socket without a word, which looks like a network fault to the client).
 */
function limitConnections(server: Server, limits: ServerLimits): void {
  let open = 0;
  const refusal = JSON.stringify({
    error: 'TooManyConnections',
    message: `the server holds its limit of ${limits.maxConnections} connections; retry later`,
  });
  server.on('connection', (socket: Socket) => {
    if (open >= limits.maxConnections) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n' +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(refusal)}\r\n\r\n${refusal}`,
      );
      socket.destroySoon();
      return;
    }
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
  });
}

/** The body limit of a path's route family. */
function bodyLimitFor(path: string, limits: BodyLimits): number {
  if (path === '/v1/decide') return limits.decide;
  if (path.startsWith('/v1/invoke/')) return limits.invoke;
  if (path === '/mcp' || path.startsWith('/mcp/')) return limits.mcp;
  if (path.startsWith('/a2a/')) return limits.a2a;
  return limits.other;
}

/** Answers before the body is read, and closes the connection so the unread body is never taken in. */
function refuseUnread(res: ServerResponse, status: number, body: Record<string, string>, headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
    ...headers,
  });
  res.end(text);
}

type FastDecide = (text: string) => Promise<{ status: number; text: string; version: string }>;

interface NodeServing {
  handle: (request: Request) => Promise<Response>;
  decideFast: FastDecide;
  authenticate: Authenticate;
  limits: BodyLimits;
}

/** The body, or undefined once more than `limit` bytes arrived (the caller answers 413). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client closed the connection mid-request'));
    });
  });
}

/**
 * Authenticates from the headers and checks the announced size before reading a byte of the body (an
 * unauthenticated or oversized request is refused and its connection closed unread), then reads the body up to
 * the route's limit, builds a web Request, and writes the Response back.
 */
async function serveNode(req: IncomingMessage, res: ServerResponse, serving: NodeServing): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://ares.invalid');
  } catch {
    refuseUnread(res, 400, { error: 'BadRequest', message: 'the request target is not a valid path' });
    return;
  }
  if (needsAuth(url.pathname) && !serving.authenticate(req.headers.authorization ?? null)) {
    refuseUnread(
      res,
      401,
      { error: 'Unauthorized', message: 'a valid bearer token is required' },
      { 'www-authenticate': 'Bearer' },
    );
    return;
  }
  const limit = bodyLimitFor(url.pathname, serving.limits);
  const announced = req.headers['content-length'];
  const tooLarge = { error: 'PayloadTooLarge', message: `the body exceeds ${limit} bytes` };
  if (announced !== undefined && Number(announced) > limit) {
    refuseUnread(res, 413, tooLarge);
    return;
  }
  const body = await readBody(req, limit);
  if (body === undefined) {
    refuseUnread(res, 413, tooLarge);
    return;
  }
  const method = req.method ?? 'GET';
  if (method === 'POST' && url.pathname === '/v1/decide') {
    const answer = await serving.decideFast(body.toString('utf8'));
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(answer.text),
      'x-ares-profile-version': answer.version,
    });
    res.end(answer.text);
    return;
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
    } catch {
      // A header the fetch API refuses is one no handler reads.
    }
  }
  let request: Request;
  try {
    request = new Request(url, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
  } catch {
    // A method the fetch API refuses (CONNECT, TRACE, ...): no route serves it.
    refuseUnread(res, 405, { error: 'MethodNotAllowed', message: `${method} is not served` });
    return;
  }
  const response = await serving.handle(request);
  const outgoing: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    outgoing[key] = value;
  });
  const answer = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.writeHead(response.status, outgoing);
  res.end(answer);
}
