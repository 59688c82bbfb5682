/**
 * `ares serve` decision throughput and latency on loopback: `POST /v1/decide` driven by autocannon against a
 * server started in this process through `startServe` (the same path as the CLI: profile from a snapshot file,
 * SQLite audit log, bearer auth), next to a bare `node:http` server answering a fixed JSON body, under the same load.
 *
 * Phases: (1) a fixed offered rate of BENCH_SERVE_RATE requests/s (default 5,000) for BENCH_SERVE_SECONDS (default
 * 10), reporting achieved rate and p50/p99/max latency; (2) unthrottled, for peak throughput. The request mix cycles
 * a blocked origin, an allowed origin, a signed caller context and an unknown requester at a conduit, over a
 * synthetic block table of 1,000 functions and 5,000 principals. A measurement, not a test: nothing is asserted.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from './formatTable.js';

const RATE = Number(process.env.BENCH_SERVE_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_SERVE_CONNECTIONS ?? 50);
/** autocannon load-generator worker threads, so the client does not share the server's event loop (0: same thread). */
const WORKERS = Number(process.env.BENCH_SERVE_WORKERS ?? 1);
const API_TOKEN = 'bench-token-0123456789abcdef';
const ACCOUNT = '123456789012';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface RunningServe {
  url: string;
  stop(): Promise<void>;
}
interface ServeModule {
  startServe(
    options: Record<string, unknown>,
    env: Record<string, string | undefined>,
    log: (line: string) => void,
  ): Promise<RunningServe>;
}
interface CallerContextModule {
  signCallerContext(
    fields: { origin: string; chain: string[]; version: string },
    key: KeyObject,
    options?: { ttlSeconds?: number },
  ): string;
}

const fnArn = (i: number): string => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-${i}`;
const userArn = (i: number): string => `arn:aws:iam::${ACCOUNT}:user/u-${i}`;

/** 1,000 functions (every 10th a conduit), 5,000 principals, each function blocking 5 origins. */
function syntheticSnapshot(): Record<string, unknown> {
  const functions: Record<string, unknown> = {};
  const functionIds: Record<string, string> = {};
  const principalIds: Record<string, string> = {};
  for (let p = 0; p < 5000; p++) {
    principalIds[userArn(p)] = userArn(p);
    principalIds[`u-${p}`] = userArn(p);
  }
  for (let f = 0; f < 1000; f++) {
    const blocked: Record<string, unknown[]> = {};
    for (let k = 0; k < 5; k++) {
      blocked[userArn((f * 7 + k * 997) % 5000)] = [
        {
          resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t-${f}`,
          action: 'dynamodb:PutItem',
          denial: 'explicit',
          findingId: `ARES-${f}-${k}`,
        },
      ];
    }
    functions[fnArn(f)] = { function: fnArn(f), name: `fn-${f}`, conduit: f % 10 === 0, blocked };
    functionIds[`fn-${f}`] = fnArn(f);
  }
  const blockTable = {
    version: 'bench',
    createdAt: new Date(0).toISOString(),
    functions,
    functionIds,
    principalIds,
  };
  return { version: 'bench', createdAt: new Date(0).toISOString(), blockTable, findings: [], stats: {} };
}

function bareServer(): Promise<{ server: Server; url: string }> {
  const body = JSON.stringify({ decision: 'allow', reason: 'not-blocked' });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

function load(
  url: string,
  requests: unknown[],
  rate: number | undefined,
  seconds: number,
): Promise<AutocannonResult> {
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    ...(WORKERS > 0 ? { workers: WORKERS } : {}),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
    requests,
  });
}

function row(name: string, r: AutocannonResult, base?: AutocannonResult): string[] {
  return [
    name,
    r.requests.average.toFixed(0),
    r.latency.p50.toFixed(2),
    r.latency.p99.toFixed(2),
    r.latency.max.toFixed(2),
    String(r.errors + r.timeouts + r.non2xx),
    base ? `${(r.latency.p99 / Math.max(base.latency.p99, 0.001)).toFixed(1)}x` : '',
  ];
}

export async function run(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
  const dist = new URL('../dist/', import.meta.url);
  let serve: ServeModule;
  let callerContext: CallerContextModule;
  try {
    serve = (await import(new URL('cli/commands/serve.js', dist).href)) as ServeModule;
    callerContext = (await import(new URL('agent/callerContext.js', dist).href)) as CallerContextModule;
  } catch (error) {
    console.log(`skipped: ares serve is not built (${(error as Error).message.split('\n')[0]})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ares-serve-bench-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const profile = join(dir, 'profile.json');
  const publicKeyFile = join(dir, 'public.pem');
  writeFileSync(profile, JSON.stringify(syntheticSnapshot()));
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const token = callerContext.signCallerContext(
    { origin: userArn(1), chain: [], version: 'bench' },
    privateKey,
    {
      ttlSeconds: 3600,
    },
  );
  const bodies = [
    { function: 'fn-0', principal: userArn(0) }, // blocked origin
    { function: fnArn(3), principal: userArn(4000) }, // allowed
    { function: 'fn-5', token }, // signed caller context
    { function: 'fn-10' }, // unknown requester at a conduit
  ];
  const requests = bodies.map((b) => ({ method: 'POST', path: '/v1/decide', body: JSON.stringify(b) }));
  const bareRequests = requests.map((r) => ({ ...r, path: '/' }));

  const running = await serve.startServe(
    {
      profile,
      port: 0,
      host: '127.0.0.1',
      publicKeys: [publicKeyFile],
      audit: join(dir, 'audit.db'),
      reloadIntervalSeconds: 0,
    },
    { ARES_API_TOKEN: API_TOKEN },
    () => undefined,
  );
  const bare = await bareServer();
  try {
    const probe = await fetch(`${running.url}/v1/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
      body: requests[0]!.body,
    });
    console.log(`probe: ${probe.status} ${await probe.text()}`);
    await load(running.url, requests, RATE, 1); // warm-up
    await load(bare.url, bareRequests, RATE, 1);
    const bareRated = await load(bare.url, bareRequests, RATE, SECONDS);
    const serveRated = await load(running.url, requests, RATE, SECONDS);
    const barePeak = await load(bare.url, bareRequests, undefined, Math.max(3, SECONDS / 2));
    const servePeak = await load(running.url, requests, undefined, Math.max(3, SECONDS / 2));
    console.log(
      `\n${CONNECTIONS} connections, ${SECONDS} s at ${RATE} requests/s offered, then unthrottled; latency in ms\n`,
    );
    console.log(
      formatTable([
        ['phase', 'req/s', 'p50', 'p99', 'max', 'errors', 'p99 vs bare'],
        row(`bare node:http @ ${RATE}/s`, bareRated),
        row(`ares serve /v1/decide @ ${RATE}/s`, serveRated, bareRated),
        row('bare node:http, unthrottled', barePeak),
        row('ares serve /v1/decide, unthrottled', servePeak, barePeak),
      ]),
    );
    const ratio = (a: number, b: number): string => (a / Math.max(b, 0.001)).toFixed(2);
    // The aim: at least 70% of the bare server's throughput, p99 within 2x, audit log on (each answer
    // waits for its group commit).
    console.log(
      `\nares serve / bare, same run: throughput ${ratio(servePeak.requests.average, barePeak.requests.average)} ` +
        `unthrottled (aim >= 0.70), ${ratio(serveRated.requests.average, bareRated.requests.average)} at ${RATE}/s; ` +
        `p99 ${ratio(servePeak.latency.p99, barePeak.latency.p99)}x unthrottled, ` +
        `${ratio(serveRated.latency.p99, bareRated.latency.p99)}x at ${RATE}/s (aim <= 2x)`,
    );
  } finally {
    await running.stop();
    await new Promise((resolve) => bare.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
