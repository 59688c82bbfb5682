/** `ares serve` from the command line: refuses to start without an API token; starts and stops cleanly. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeArgs, startServe } from '../../src/cli/commands/serve.js';
import { main } from '../../src/cli/run.js';
import { exampleSnapshot } from './serverHarness.js';

const dir = mkdtempSync(join(tmpdir(), 'ares-serve-cli-'));
const profile = join(dir, 'profile.json');
writeFileSync(profile, JSON.stringify(exampleSnapshot()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ares serve', () => {
  it('exits 2 with one line when no API token is configured', async () => {
    const saved = process.env.ARES_API_TOKEN;
    delete process.env.ARES_API_TOKEN;
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await main(['serve', '--profile', profile, '--port', '0', '--audit', join(dir, 'a.db')], {
        out: (text) => out.push(text),
        err: (text) => err.push(text),
      });
      expect(code).toBe(2);
    } finally {
      if (saved !== undefined) process.env.ARES_API_TOKEN = saved;
    }
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    expect(err.join('')).toMatch(/^ares serve: no API token/);
  });

  it('exits 2 naming a config file with an unknown setting, without echoing token values', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ apiTokens: ['s3cret-token'], apiToken: 's3cret-other' }));
    const err: string[] = [];
    const code = await main(['serve', '--profile', profile, '--config', config], {
      out: () => {},
      err: (text) => err.push(text),
    });
    expect(code).toBe(2);
    expect(err.join('')).toContain('unknown setting "apiToken"');
    expect(err.join('')).not.toContain('s3cret');
  });

  it('starts on the given port with the default host and stops', async () => {
    const options = parseServeArgs(['--profile', profile, '--port', '0', '--audit', join(dir, 'audit.db')]);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.host).toBe('127.0.0.1');
    const running = await startServe(options, { ARES_API_TOKEN: 'a, b' }, () => {});
    try {
      const health = await fetch(`${running.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', version: exampleSnapshot().version });
      const decided = await fetch(`${running.url}/v1/decide`, {
        method: 'POST',
        headers: { authorization: 'Bearer b' },
        body: JSON.stringify({ function: 'X', principal: 'U' }),
      });
      expect(await decided.json()).toMatchObject({ decision: 'block' });
    } finally {
      await running.stop();
    }
  });

  it('has defaults for everything', () => {
    expect(parseServeArgs([])).toMatchObject({
      profile: '.ares/profile.db',
      port: 8787,
      host: '127.0.0.1',
      audit: '.ares/audit.db',
      reloadIntervalSeconds: 5,
    });
  });
});
