/**
 * A throwaway PostgreSQL for the replica tests: `initdb` on a temporary directory, `pg_ctl` on a free port of
 * 127.0.0.1 (password authentication, a socket directory of its own), run as the `postgres` user when the tests run
 * as root (PostgreSQL refuses root). The binaries are Debian's (`.ci/run` installs the `postgresql` package), or
 * whatever `pg_config --bindir` names.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ThrowawayPostgres {
  url: string;
  port: number;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** The directory with initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // not on PATH
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(debian, version, 'bin'));
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function postgresUid(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startThrowawayPostgres(binDir: string): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ares-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  const password = 'ares-pg-s3cret';
  writeFileSync(pwfile, `${password}\n`);
  const owner = postgresUid();
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const run = (command: string, args: string[]): void => {
    execFileSync(join(binDir, command), args, {
      stdio: 'pipe',
      cwd: dir,
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      env: { ...process.env, PGPASSWORD: password, LC_ALL: 'C' },
    });
  };
  run('initdb', ['-D', data, '-U', 'ares', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = (): void =>
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
  const stop = (): void => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'ares', 'ares_test']);
  return {
    url: `postgres://ares:${password}@127.0.0.1:${port}/ares_test`,
    port,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
