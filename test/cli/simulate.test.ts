import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'ares-simulate-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const request = {
  principal: 'arn:aws:iam::123456789012:user/U',
  action: 'dynamodb:PutItem',
  resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/DB-1',
};

describe('ares simulate', () => {
  it('prints the JSON decision with the deciding statement for the bundled Fig. 1 example', async () => {
    const result = await runCli(
      'simulate',
      'examples/simulate/fig1-direct-write-denied.json',
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.decision).toBe('explicit-deny');
    expect(output.reasons).toEqual([
      expect.objectContaining({
        policy: 'identityPolicies[0]',
        statement: 1,
        sid: 'NoDirectWrites',
        effect: 'Deny',
      }),
    ]);
  });

  it('answers every bundled example with exit 0', async () => {
    for (const name of [
      'fig1-function-role-writes',
      'cross-account-queue',
      'boundary-and-scp',
      'conditional-source-ip',
    ]) {
      const result = await runCli('simulate', `examples/simulate/${name}.json`, '--format', 'json');
      expect(result.code, name).toBe(0);
      expect(['allow', 'explicit-deny', 'implicit-deny', 'conditional']).toContain(
        JSON.parse(result.stdout).decision,
      );
    }
  });

  it('reports missing context keys for a conditional decision', async () => {
    const result = await runCli(
      'simulate',
      'examples/simulate/conditional-source-ip.json',
      '--format',
      'json',
    );
    const output = JSON.parse(result.stdout);
    expect(output.decision).toBe('conditional');
    expect(output.missingContextKeys).toEqual(['aws:sourceip']);
  });

  it('renders text output by default', async () => {
    const result = await runCli('simulate', 'examples/simulate/fig1-direct-write-denied.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Decision: explicit-deny');
    expect(result.stdout).toContain('identityPolicies[0] Statement[1] (Sid NoDirectWrites)');
  });

  it('exits 2 with one line naming the file for malformed JSON', async () => {
    const path = file('broken.json', '{"request": {"principal": ');
    const result = await runCli('simulate', path);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain('malformed JSON');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the file and the place of an unknown condition operator', async () => {
    const path = file('operator.json', {
      request,
      identityPolicies: [
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: '*',
              Resource: '*',
              Condition: { StringEqualz: { 'aws:username': 'U' } },
            },
          ],
        },
      ],
    });
    const result = await runCli('simulate', path, '--format', 'json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain('identityPolicies[0].Statement[0].Condition.StringEqualz');
  });

  it('exits 2 for a statement with neither Action nor NotAction', async () => {
    const path = file('noaction.json', {
      request,
      identityPolicies: [{ Statement: [{ Effect: 'Allow', Resource: '*' }] }],
    });
    const result = await runCli('simulate', path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('identityPolicies[0].Statement[0]');
    expect(result.stderr).toContain('Action or NotAction');
  });

  it('exits 2 for a missing file and for usage errors', async () => {
    expect((await runCli('simulate', join(dir, 'absent.json'))).code).toBe(2);
    expect((await runCli('simulate')).code).toBe(2);
    expect((await runCli('simulate', 'a.json', '--format', 'xml')).code).toBe(2);
    expect((await runCli('simulate', 'a.json', '--bogus')).code).toBe(2);
    expect((await runCli('frobnicate')).code).toBe(2);
  });

  it('accepts URL-encoded policy documents as the AWS SDK returns them', async () => {
    const policy = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
      }),
    );
    const path = file('encoded.json', { request, identityPolicies: [policy] });
    const result = await runCli('simulate', path, '--format', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).decision).toBe('allow');
  });

  it('warns about actions the catalogue does not know', async () => {
    const path = file('typo.json', {
      request,
      identityPolicies: [
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItems', Resource: '*' }],
        },
      ],
    });
    const result = await runCli('simulate', path, '--format', 'json');
    const output = JSON.parse(result.stdout);
    expect(output.decision).toBe('implicit-deny');
    expect(output.warnings).toEqual([
      {
        path: 'identityPolicies[0].Statement[0].Action',
        message: 'action "dynamodb:PutItems" matches no known action',
      },
    ]);
  });
});
