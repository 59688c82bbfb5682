/**
 * `ares serve` as a child process, attacked and killed. (1) Under bounded load it is SIGKILLed: every decision a
 * client received an answer for must be in the audit database afterwards (the answer waits for its commit).
 * (2) 200 unauthenticated connections, each announcing a 6 MB body and sending what it can, leave the server's
 * resident memory roughly flat (the body is never read). Load stays on 127.0.0.1 and is bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { API_TOKEN, exampleSnapshot } from '../runtime/serverHarness.js';

interface Child {
  process: ChildProcess;
  url: string;
  audit: string;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `ares serve` from the sources in a child process and waits for its "listening on" line. */
async function startChild(): Promise<Child> {
  const dir = mkdtempSync(join(tmpdir(), 'ares-serve-child-'));
  dirs.push(dir);
  const profile = join(dir, 'profile.json');
  const audit = join(dir, 'audit.db');
  writeFileSync(profile, JSON.stringify(exampleSnapshot()));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--profile', profile, '--port', '0', '--audit', audit],
    {
      cwd: process.cwd(),
      env: { ...process.env, ARES_API_TOKEN: API_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`ares serve did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`ares serve exited ${code}: ${out}`)));
  });
  child.stderr?.resume();
  return { process: child, url, audit };
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

const decide = (url: string, body: unknown): Promise<Response> =>
  fetch(`${url}/v1/decide`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // A request the kill cut off must not hang the test.
    signal: AbortSignal.timeout(5000),
  });

describe('ares serve killed under load', () => {
  it('has every answered decision in the audit log after SIGKILL', { timeout: 60_000 }, async () => {
    const child = await startChild();
    const CLIENTS = 32;
    const MAX_REQUESTS = 6000;
    const LOAD_MS = 1500;
    const answered: string[] = [];
    let sent = 0;
    let killed = false;
    const client = async (id: number): Promise<void> => {
      for (let n = 0; !killed && sent < MAX_REQUESTS; n += 1) {
        sent += 1;
        const principal = `load-${id}-${n}`;
        try {
          const response = await decide(child.url, { function: 'X', principal });
          const answer = (await response.json()) as { origin: string };
          if (response.status === 200) answered.push(answer.origin);
        } catch {
          return; // the server is gone: this request got no answer
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    killed = true;
    child.process.kill('SIGKILL');
    await load;
    if (child.process.exitCode === null && child.process.signalCode === null)
      await new Promise((resolve) => child.process.once('exit', resolve));

    const db = new Database(child.audit);
    const rows = db.prepare("SELECT origin FROM decisions WHERE origin LIKE 'load-%'").all() as {
      origin: string;
    }[];
    db.close();
    const logged = new Set(rows.map((r) => r.origin));
    if (process.env.ARES_TEST_FIGURES) console.log(`answered ${answered.length}, audit rows ${rows.length}`);
    const missing = answered.filter((origin) => !logged.has(origin));
    expect(answered.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    expect(answered.filter((origin) => logged.has(origin))).toHaveLength(answered.length);
    // Rows may exceed answers (committed, then killed before the answer left): never the other way round.
    expect(rows.length).toBeGreaterThanOrEqual(answered.length);
  });
});

describe.runIf(existsSync('/proc/self/status'))('ares serve against unauthenticated 6 MB bodies', () => {
  it('keeps its resident memory roughly flat across 200 such connections', { timeout: 60_000 }, async () => {
    const child = await startChild();
    const pid = child.process.pid ?? 0;
    const { port } = new URL(child.url);
    // Warm up what a normal request touches, so the baseline includes it.
    for (let i = 0; i < 20; i += 1) await (await decide(child.url, { function: 'X', principal: 'U' })).text();
    const before = rssBytes(pid);
    const SIX_MB = 6 * 1024 * 1024;
    const PER_CONNECTION = 1024 * 1024; // what each tries to push before the server hangs up
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const attack = (): Promise<{ status: string; pushed: number }> =>
      new Promise((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let status = '';
        let pushed = 0;
        const done = (): void => {
          socket.destroy();
          resolve({ status, pushed });
        };
        const timer = setTimeout(done, 10_000);
        socket.on('data', (data) => {
          status ||= data.toString('latin1').split('\r\n')[0] ?? '';
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(timer);
          done();
        });
        socket.on('connect', () => {
          socket.write(
            `POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${SIX_MB}\r\n\r\n`,
          );
          const push = (): void => {
            while (pushed < PER_CONNECTION && !socket.destroyed) {
              pushed += chunk.length;
              if (!socket.write(chunk)) {
                socket.once('drain', push);
                return;
              }
            }
          };
          push();
        });
      });
    const results = await Promise.all(Array.from({ length: 200 }, attack));
    const after = rssBytes(pid);
    if (process.env.ARES_TEST_FIGURES)
      console.log(`RSS ${(before / 2 ** 20).toFixed(0)} MB -> ${(after / 2 ** 20).toFixed(0)} MB`);
    expect(results.filter((r) => r.status.startsWith('HTTP/1.1 401')).length).toBeGreaterThan(150);
    // Buffered, the bodies pushed alone would add 200 MB; unread, the growth stays small.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
    const healthy = await fetch(`${child.url}/healthz`);
    expect(healthy.status).toBe(200);
  });
});
