import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'ares-scan-'));

describe('ares scan', () => {
  it('finds the Fig. 1 bypass and the multi-hop chain in the bundled example, as JSON', async () => {
    const result = await runCli('scan', 'examples/estate', '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.version).toBe(1);
    expect(report.errors).toEqual([]);
    const byPrincipal = new Map(
      report.findings.map((f: { principal: { name: string } }) => [f.principal.name, f]),
    );
    expect(byPrincipal.get('U')).toMatchObject({
      kind: 'privilege-bypass',
      severity: 'high',
      denial: 'explicit',
      cloud: 'aws',
      entry: { name: 'X', id: 'arn:aws:lambda:us-east-1:123456789012:function:X' },
      resource: { name: 'DB-1', id: 'arn:aws:dynamodb:us-east-1:123456789012:table/DB-1' },
    });
    expect((byPrincipal.get('U') as { actions: string[] }).actions).toContain('dynamodb:PutItem');
    const chain = byPrincipal.get('mallory') as { path: { name: string; edge: string; kind: string }[] };
    expect(chain.path.map((s) => `${s.edge}:${s.name}`)).toEqual([
      'origin:mallory',
      'sqs:SendMessage:orders',
      'trigger:order-consumer',
      'sns:Publish:order-events',
      'trigger:ledger-writer',
      'dynamodb:PutItem:ledger',
    ]);
    expect(byPrincipal.has('V')).toBe(false);
    expect(report.stats).toMatchObject({ files: 2, imported: 2, functions: 3, findings: 2 });
  });

  it('uses --account and --region for ARNs the templates do not spell out', async () => {
    const result = await runCli(
      'scan',
      'examples/estate/fig1.yaml',
      '--format',
      'json',
      '--account',
      '210987654321',
      '--region',
      'eu-west-1',
    );
    const [finding] = JSON.parse(result.stdout).findings;
    expect(finding.entry.id).toBe('arn:aws:lambda:eu-west-1:210987654321:function:X');
  });

  it('exits 1 when a finding at or above --fail-on exists, 0 otherwise', async () => {
    expect((await runCli('scan', 'examples/estate', '--fail-on', 'high')).code).toBe(1);
    expect((await runCli('scan', 'examples/estate', '--fail-on', 'info')).code).toBe(1);
    const clean = join(dir, 'clean.yaml');
    writeFileSync(
      clean,
      [
        'Resources:',
        '  Fn:',
        '    Type: AWS::Lambda::Function',
        '    Properties: { FunctionName: lonely, Role: arn:aws:iam::123456789012:role/r, Runtime: nodejs20.x, Handler: i.h }',
      ].join('\n'),
    );
    expect((await runCli('scan', clean, '--fail-on', 'high')).code).toBe(0);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli('scan')).code).toBe(2);
    expect((await runCli('scan', 'examples/estate', '--format', 'xml')).code).toBe(2);
    expect((await runCli('scan', 'examples/estate', '--fail-on', 'critical')).code).toBe(2);
    expect((await runCli('scan', 'examples/estate', '--account', '12')).code).toBe(2);
    expect((await runCli('scan', 'examples/estate', '--param', 'novalue')).code).toBe(2);
  });

  it('exits 2 naming a path that does not exist, rather than scanning nothing', async () => {
    const missing = join(dir, 'no-such-dir');
    const result = await runCli('scan', 'examples/estate', missing);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
  });

  it('says when nothing can start a function, so that 0 findings does not read as clean', async () => {
    const lonely = join(dir, 'lonely.yaml');
    writeFileSync(
      lonely,
      [
        'Resources:',
        '  Fn:',
        '    Type: AWS::Lambda::Function',
        '    Properties: { FunctionName: lonely, Role: arn:aws:iam::123456789012:role/r, Runtime: nodejs20.x, Handler: i.h }',
      ].join('\n'),
    );
    const json = JSON.parse((await runCli('scan', lonely, '--format', 'json')).stdout);
    expect(json.findings).toEqual([]);
    expect(json.notices).toEqual([
      expect.objectContaining({
        code: 'no-requesters',
        message: expect.stringContaining('get-account-authorization-details'),
      }),
    ]);
    const text = (await runCli('scan', lonely)).stdout;
    expect(text.split('\n')[1]).toContain('not a clean bill of health');
    // The bundled example has requesters: no such notice.
    const example = JSON.parse((await runCli('scan', 'examples/estate', '--format', 'json')).stdout);
    expect(example.notices).toEqual([]);
  });

  it('names inputs it sees but does not read in one notice per file or directory', async () => {
    const app = mkdtempSync(join(tmpdir(), 'ares-unsupported-'));
    const write = (name: string, text: string): void => writeFileSync(join(app, name), text);
    write('main.tf', 'resource "aws_lambda_function" "f" {}\n');
    write('variables.tf', 'variable "x" {}\n');
    write('cdk.json', '{ "app": "npx ts-node bin/app.ts" }');
    write('serverless.yml', 'service: gfn\nprovider:\n  name: google\n');
    write(
      'template.yml',
      "ROSTemplateFormatVersion: '2015-09-01'\nTransform: 'Aliyun::Serverless-2018-04-03'\n",
    );
    write('main.bicep', 'param location string\n');
    write('notes.yaml', 'just: data\n');
    const result = await runCli('scan', app, '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const unsupported = report.notices.filter((n: { code: string }) => n.code === 'unsupported-input');
    const messages = unsupported.map((n: { message: string }) => n.message).sort();
    expect(messages).toHaveLength(5);
    expect(messages.find((m: string) => m.startsWith('raw Terraform'))).toContain('terraform show -json');
    expect(messages.find((m: string) => m.startsWith('an AWS CDK app'))).toContain('cdk synth');
    expect(messages.some((m: string) => m.includes('provider "google"'))).toBe(true);
    expect(messages.some((m: string) => m.includes('Alibaba'))).toBe(true);
    expect(messages.some((m: string) => m.includes('Bicep'))).toBe(true);
    // Two .tf files in one directory: one notice, for the directory.
    expect(unsupported.filter((n: { message: string }) => n.message.startsWith('raw Terraform'))).toEqual([
      expect.objectContaining({ file: app }),
    ]);
    expect(report.errors).toEqual([]);
    expect(report.stats).toMatchObject({ unsupported: 6, ignored: 1 });
  });

  it('reports an unreadable file with its name and still analyses the rest', async () => {
    const broken = join(dir, 'broken.template.yaml');
    writeFileSync(broken, 'Resources:\n  Fn: [unclosed\n');
    const result = await runCli('scan', 'examples/estate/fig1.yaml', broken, '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.findings.map((f: { principal: { name: string } }) => f.principal.name)).toEqual(['U']);
    expect(report.errors).toEqual([expect.objectContaining({ file: broken })]);
    expect(report.errors[0].message).not.toMatch(/\n\s+at /);
  });

  it('writes SARIF and Markdown to --out', async () => {
    const sarifFile = join(dir, 'out.sarif');
    expect((await runCli('scan', 'examples/estate', '--format', 'sarif', '--out', sarifFile)).code).toBe(0);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(2);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /examples\/estate\/(fig1|chain)\.yaml/,
    );
    const markdown = await runCli('scan', 'examples/estate', '--format', 'markdown');
    expect(markdown.stdout).toContain('| Severity | Denial | Requester | Entry | Resource | Actions | Id |');
  });

  it('renders each witness path on one line in text', async () => {
    const result = await runCli('scan', 'examples/estate');
    expect(result.stdout).toContain('U -invoke-> X -dynamodb:PutItem-> DB-1');
    expect(result.stdout).toContain(
      'mallory -sqs:SendMessage-> orders -trigger-> order-consumer -sns:Publish-> order-events -trigger-> ledger-writer -dynamodb:PutItem-> ledger',
    );
  });

  it('reports implicit denials only with --include-implicit', async () => {
    const without = JSON.parse((await runCli('scan', 'examples/estate', '--format', 'json')).stdout);
    const withImplicit = JSON.parse(
      (await runCli('scan', 'examples/estate', '--format', 'json', '--include-implicit')).stdout,
    );
    expect(without.findings.every((f: { denial: string }) => f.denial !== 'implicit')).toBe(true);
    const implicit = withImplicit.findings.filter((f: { denial: string }) => f.denial === 'implicit');
    expect(implicit.length).toBeGreaterThan(0);
    expect(implicit.every((f: { severity: string }) => f.severity === 'info')).toBe(true);
  });
});
