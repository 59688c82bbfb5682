import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importPrivateKey,
  importPublicKey,
  signCallerContext,
  signHopToken,
  verifyCallerContext,
} from '../../src/agent/callerContext.js';
import { createPublicKey } from 'node:crypto';
import { functionKeyFile } from '../../src/cli/commands/keys.js';
import { DEFAULT_PROFILE_STORE, expandSaveOption } from '../../src/cli/commands/scan.js';
import { openProfileStore } from '../../src/runtime/index.js';
import { runCli } from '../cli/runCli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ares-cli-'));
const X = 'arn:aws:lambda:us-east-1:123456789012:function:X';
const WRITER = 'arn:aws:lambda:us-east-1:123456789012:function:ledger-writer';

describe('ares scan --save', () => {
  it('stores the block table, findings and stats, and keeps stdout the report', async () => {
    const file = join(tmp(), 'store', 'profile.db');
    const result = await runCli('scan', 'examples/estate', '--format', 'json', '--save', file);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const match = /^saved profile version ([0-9a-f]{16}) to (.+)\n$/.exec(result.stderr);
    expect(match?.[2]).toBe(file);
    const store = openProfileStore(file, { readonly: true });
    try {
      const snapshot = store.latest()!;
      expect(snapshot.version).toBe(match![1]);
      expect(snapshot.blockTable.version).toBe(snapshot.version);
      expect(snapshot.findings).toEqual(report.findings);
      expect(snapshot.stats).toEqual(report.stats);
      const u = report.findings.find((f: { principal: { name: string } }) => f.principal.name === 'U');
      expect(snapshot.blockTable.functions[X]!.blocked[u.principal.id]).toContainEqual(
        expect.objectContaining({ action: 'dynamodb:PutItem', findingId: u.id }),
      );
      const mallory = snapshot.blockTable.principalIds.mallory!;
      expect(snapshot.blockTable.functions[WRITER]!.blocked[mallory]).toBeDefined();
    } finally {
      store.close();
    }
  });

  it('saves the same scan once', async () => {
    const file = join(tmp(), 'profile.db');
    const first = await runCli('scan', 'examples/estate', '--save', file);
    const second = await runCli('scan', 'examples/estate', '--save', file);
    expect(second.code).toBe(0);
    const version = /version (\w+)/.exec(first.stderr)![1];
    expect(second.stderr).toContain(`saved profile version ${version} to ${file} (unchanged`);
    const store = openProfileStore(file, { readonly: true });
    expect(store.versions().map((v) => v.version)).toEqual([version]);
    store.close();
  });

  it('takes --save=FILE too', async () => {
    const file = join(tmp(), 'p.db');
    const result = await runCli('scan', `--save=${file}`, 'examples/estate');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`to ${file}`);
  });

  it('reports a file that is not a store in one line, exit 2', async () => {
    const file = join(tmp(), 'not-a-store.db');
    writeFileSync(file, 'plain text, certainly not a SQLite database header at all\n');
    const result = await runCli('scan', 'examples/estate', '--save', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^ares scan: ${file}: .*not an ares profile store.*\\n$`));
  });

  it('uses the default file when --save has no value', () => {
    expect(expandSaveOption(['examples/estate', '--save'])).toEqual([
      'examples/estate',
      `--save=${DEFAULT_PROFILE_STORE}`,
    ]);
    expect(expandSaveOption(['--save', '--format', 'json', 'x'])).toEqual([
      `--save=${DEFAULT_PROFILE_STORE}`,
      '--format',
      'json',
      'x',
    ]);
    expect(expandSaveOption(['--save', 'f.db', 'x'])).toEqual(['--save', 'f.db', 'x']);
    expect(expandSaveOption(['x', '--', '--save'])).toEqual(['x', '--', '--save']);
  });
});

describe('ares keys', () => {
  it('writes a key pair that signs and verifies a caller context', async () => {
    const dir = join(tmp(), 'keys');
    const result = await runCli('keys', '--out', dir);
    expect(result.code).toBe(0);
    const privatePath = join(dir, 'ares-signing.key');
    const publicPath = join(dir, 'ares-signing.pub');
    expect(result.stdout).toContain(privatePath);
    expect(result.stdout).toContain(publicPath);
    const privatePem = readFileSync(privatePath, 'utf8');
    expect(privatePem).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(publicPath, 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    const token = signCallerContext(
      { origin: 'arn:aws:iam::123456789012:user/U', chain: [X], version: 'v1' },
      importPrivateKey(privatePem),
    );
    const verified = verifyCallerContext(token, importPublicKey(readFileSync(publicPath, 'utf8')));
    expect(verified).toMatchObject({ valid: true, context: { origin: 'arn:aws:iam::123456789012:user/U' } });
  });

  it('--functions: one key per function, whose public halves ares scan --save puts in the block table', async () => {
    const dir = tmp();
    const result = await runCli('keys', '--out', dir, '--functions', `${X},${WRITER}`);
    expect(result.code).toBe(0);
    const signers = JSON.parse(readFileSync(join(dir, 'function-keys.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(Object.keys(signers).sort()).toEqual([WRITER, X].sort());
    const keyFile = join(dir, 'function-keys', functionKeyFile(X));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // X's private half signs a hop token its public half in function-keys.json verifies.
    const hop = signHopToken(
      { origin: 'o', chain: [X], version: 'v', issuer: X, audience: WRITER, parent: '' },
      importPrivateKey(readFileSync(keyFile, 'utf8')),
    );
    const publicKey = createPublicKey({
      key: Buffer.from(signers[X]!, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verifyCallerContext(hop, publicKey)).toMatchObject({ valid: true });
    const store = join(dir, 'profile.db');
    expect((await runCli('scan', 'examples/estate', `--save=${store}`)).code).not.toBe(2);
    const saved = openProfileStore(store, { readonly: true });
    try {
      expect(saved.latest()!.blockTable.signers).toEqual(signers);
    } finally {
      saved.close();
    }
    expect((await runCli('keys', '--out', dir, '--functions', X)).code).toBe(2);
  });

  it('refuses to overwrite a key unless --force', async () => {
    const dir = tmp();
    expect((await runCli('keys', '--out', dir)).code).toBe(0);
    const before = readFileSync(join(dir, 'ares-signing.key'), 'utf8');
    const refused = await runCli('keys', '--out', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ares keys: .*ares-signing\.key: already exists \(use --force.*\n$/);
    expect(readFileSync(join(dir, 'ares-signing.key'), 'utf8')).toBe(before);
    const forced = await runCli('keys', '--out', dir, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'ares-signing.key'), 'utf8')).not.toBe(before);
    expect(statSync(join(dir, 'ares-signing.key')).mode & 0o777).toBe(0o600);
  });

  it('prints help, and rejects a stray argument with exit 2', async () => {
    expect((await runCli('keys', '--help')).stdout).toContain('Usage: ares keys');
    const stray = await runCli('keys', 'extra');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toBe('ares keys: keys takes no arguments, not "extra"\n');
  });
});
