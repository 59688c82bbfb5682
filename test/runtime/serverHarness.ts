/**
 * Shared set-up for the `ares serve` tests: a profile snapshot from the real pipeline over examples/estate, a
 * server on 127.0.0.1 port 0 over a JSON snapshot file, and small helpers to talk to it with fetch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generateKeyPair, importPrivateKey, importPublicKey } from '../../src/agent/callerContext.js';
import { scanPaths, scanSnapshot } from '../../src/cli/commands/scan.js';
import type { ProfileSnapshot } from '../../src/model/index.js';
import { openAuditLog, type SqliteAuditLog } from '../../src/runtime/auditLog.js';
import { resolveServeConfig, type ConfigFile } from '../../src/runtime/config.js';
import { createInvokeForwarder, type LambdaEnv } from '../../src/runtime/invokeProxy.js';
import { jsonProfileSource } from '../../src/runtime/profileSource.js';
import { createProfileHolder, type ProfileHolder } from '../../src/runtime/reload.js';
import { createAresServer, type AresServer } from '../../src/runtime/server.js';

export const API_TOKEN = 'test-api-token-0123456789';
/** A bearer token the config maps to mallory: the invocation proxy takes it as her. */
export const MALLORY_TOKEN = 'mallory-token-0123456789';

export const ACCOUNT = '123456789012';
export const ids = {
  U: `arn:aws:iam::${ACCOUNT}:user/U`,
  V: `arn:aws:iam::${ACCOUNT}:user/V`,
  mallory: `arn:aws:iam::${ACCOUNT}:user/mallory`,
  X: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:X`,
  orderConsumer: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:order-consumer`,
  ledgerWriter: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:ledger-writer`,
};

let cached: ProfileSnapshot | undefined;

/** The profile `ares scan --save examples/estate` would store. */
export function exampleSnapshot(): ProfileSnapshot {
  cached ??= scanSnapshot(
    scanPaths(['examples/estate'], {
      account: ACCOUNT,
      region: 'us-east-1',
      params: {},
      includeImplicit: false,
    }),
    '2026-01-01T00:00:00.000Z',
  );
  return structuredClone(cached);
}

export interface Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newKeys(): Keys {
  const { privateKeyPem, publicKeyPem } = generateKeyPair();
  return { privateKey: importPrivateKey(privateKeyPem), publicKey: importPublicKey(publicKeyPem) };
}

export interface TestServer {
  url: string;
  server: AresServer;
  profiles: ProfileHolder;
  audit: SqliteAuditLog;
  keys: Keys;
  logs: string[];
  dir: string;
  profileFile: string;
  writeSnapshot(snapshot: ProfileSnapshot): void;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  functions?: Record<string, { url: string }>;
  lambdaEnv?: LambdaEnv;
  unknownFunction?: 'allow' | 'block';
  snapshot?: ProfileSnapshot;
  limits?: ConfigFile['limits'];
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ares-serve-'));
  const profileFile = join(dir, 'profile.json');
  const writeSnapshot = (snapshot: ProfileSnapshot): void =>
    writeFileSync(profileFile, JSON.stringify(snapshot));
  writeSnapshot(options.snapshot ?? exampleSnapshot());
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
  };
  const profiles = createProfileHolder(jsonProfileSource(profileFile), { log });
  const audit = openAuditLog(join(dir, 'audit.db'));
  const keys = newKeys();
  const config = resolveServeConfig(
    {
      apiTokens: [API_TOKEN],
      principals: { [MALLORY_TOKEN]: 'mallory' },
      trustedIdentityHeader: 'X-Ares-Principal',
      functions: options.functions ?? {},
      ...(options.unknownFunction ? { unknownFunction: options.unknownFunction } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    },
    [],
  );
  const server = createAresServer({
    config,
    profiles,
    audit,
    signingKey: keys.privateKey,
    forwarder: createInvokeForwarder(options.lambdaEnv ?? {}),
    log,
  });
  const address = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  const auth = { authorization: `Bearer ${API_TOKEN}` };
  return {
    url,
    server,
    profiles,
    audit,
    keys,
    logs,
    dir,
    profileFile,
    writeSnapshot,
    post: (path, body, headers = auth) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path, headers = auth) => fetch(`${url}${path}`, { headers }),
    close: async () => {
      profiles.stop();
      await server.close(1000);
      audit.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
