/**
 * Serverless Framework variables on a hand-written service (test/fixtures/aws-import/serverless/variables):
 * file() whole and with key paths (YAML and JSON), nested self:, opt: from --param, defaults, sls:/aws:, a cycle,
 * and what stays unresolved (notices; the events and IAM resources that name it are left out).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Estate } from '../../../../../src/model/index.js';
import { DEFAULT_IMPORT_OPTIONS } from '../../../../../src/providers/aws/importers/importer.js';
import { awsImporters, loadEstates } from '../../../../../src/providers/aws/importers/index.js';
import {
  VariableResolver,
  serverlessImporter,
} from '../../../../../src/providers/aws/importers/serverless/index.js';

const DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../fixtures/aws-import/serverless/variables',
);
const FILE = join(DIR, 'serverless.yml');
const self = parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;

function resolver(params: Record<string, string> = {}): VariableResolver {
  return new VariableResolver({
    self,
    params,
    account: '111122223333',
    defaultRegion: 'us-east-1',
    files: { serviceDir: DIR, root: DIR },
  });
}

function importService(params: Record<string, string> = {}): Estate {
  const text = readFileSync(FILE, 'utf8');
  return serverlessImporter.import(
    { file: FILE, text, parsed: undefined, root: DIR },
    { ...DEFAULT_IMPORT_OPTIONS, account: '111122223333', params },
  );
}

describe('Serverless variables from files, options and defaults', () => {
  it('reads a YAML file whole (an object, its own variables resolved) and by key path', () => {
    const r = resolver({ stage: 'prod' });
    expect(r.resolve('${self:service}')).toBe('ledger');
    expect(r.resolve('${self:provider.environment}')).toEqual({ TABLE: 'ledger-prod', REGION: 'us-east-1' });
    expect(r.resolve('${self:custom.common.service}')).toBe('ledger');
    expect(r.resolve("${file('./config/common.yml'):service}")).toBe('ledger');
  });

  it('reads a JSON file whole and by a key path that nests ${sls:stage}, keeping lists whole', () => {
    expect(resolver({ stage: 'prod' }).resolve('${self:custom.topics}')).toEqual([
      'alerts-prod',
      'audit-prod',
    ]);
    expect(resolver().resolve('${self:custom.topics}')).toEqual(['alerts-dev']);
    expect(resolver({ stage: 'prod' }).resolve('${self:custom.settings}')).toEqual({
      queue: 'jobs-prod',
      topics: ['alerts-prod', 'audit-prod'],
    });
  });

  it('takes the stage from --param stage (opt:stage), else the provider default, else dev', () => {
    expect(resolver({ stage: 'prod' }).stage).toBe('prod');
    expect(resolver().stage).toBe('dev');
    expect(resolver({ stage: 'prod' }).resolve('${self:custom.queue}')).toBe('jobs-prod-us-east-1');
    expect(resolver({ region: 'eu-west-1' }).resolve('${self:custom.queue}')).toBe('jobs-dev-eu-west-1');
    expect(resolver().resolve('${self:provider.region}')).toBe('us-east-1');
  });

  it('applies defaults: a missing file, env: (never the process environment), null', () => {
    process.env.TEAM = 'from-the-environment';
    const r = resolver();
    expect(r.resolve('${self:custom.missingWithDefault}')).toBe('fallback');
    expect(r.resolve('${self:custom.envValue}')).toBe('platform');
    expect(resolver({ 'env:TEAM': 'billing' }).resolve('${self:custom.envValue}')).toBe('billing');
    expect(r.resolve('${opt:nothing, null}')).toBeNull();
    delete process.env.TEAM;
  });

  it('takes ssm:, cf: and sls:instanceId from --param, with nested variables resolved in their names', () => {
    const r = resolver({
      stage: 'prod',
      'ssm:/ledger/prod/key': 'k-1',
      'cf:network-prod.VpcId': 'vpc-1',
      'sls:instanceId': 'i-1',
    });
    expect(r.resolve('${self:custom.ssmValue}')).toBe('k-1');
    expect(r.resolve('${self:custom.cfValue}')).toBe('vpc-1');
    expect(r.resolve('${self:custom.instance}')).toBe('i-1');
    // Unresolved, the text names the parameter to pass, with ${sls:stage} already resolved.
    expect(resolver().resolve('${self:custom.ssmValue}')).toBe('${self:custom.ssmValue}');
    expect(resolver().resolve('x-${ssm:/ledger/${sls:stage}/key}')).toBe('x-${ssm:/ledger/dev/key}');
  });

  it('stops on a cycle and says which references form it', () => {
    const r = resolver();
    const doc = r.resolve(self);
    const unresolved = r.unresolved(doc);
    const loop = unresolved.find((u) => u.path === 'custom.loopA');
    expect(loop?.reason).toMatch(/cycle: \$\{self:custom\.loop[AB]\} → \$\{self:custom\.loop[AB]\} → /);
  });

  it('never reads a file outside the scanned directory, by an absolute path, or code', () => {
    const r = resolver();
    const doc = r.resolve(self);
    const reasons = Object.fromEntries(r.unresolved(doc).map((u) => [u.path, u.reason]));
    expect(reasons['custom.escape']).toMatch(/outside the scanned directory/);
    expect(reasons['custom.absolute']).toMatch(/absolute path/);
    expect(reasons['custom.code']).toMatch(/code, which ares does not run/);
  });
});

describe('the serverless importer with variables', () => {
  it('names functions and triggers from resolved variables, for the stage given', () => {
    const estate = importService({ stage: 'prod' });
    expect(estate.functions.map((f) => f.id)).toEqual([
      'arn:aws:lambda:us-east-1:111122223333:function:ledger-prod-worker',
    ]);
    expect(estate.triggers.map((t) => t.source)).toEqual([
      'arn:aws:sqs:us-east-1:111122223333:jobs-prod-us-east-1',
    ]);
  });

  it('reports each unresolved reference once, skips the event and drops the IAM resource that name one', () => {
    const estate = importService({ stage: 'prod' });
    const notices = estate.notices.filter((n) => n.code === 'unresolved-reference');
    const texts = notices.map((n) => n.message.split(' ')[0]);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts).toEqual(
      expect.arrayContaining([
        '${ssm:/ledger/queue-name}',
        '${cf:network-prod.TopicArn}',
        '${self:custom.loopA}',
      ]),
    );
    expect(notices.every((n) => n.file === FILE)).toBe(true);
    expect(estate.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'info',
          message: expect.stringMatching(/^sqs event skipped.*queue-name/),
        }),
        expect.objectContaining({
          severity: 'info',
          message: expect.stringMatching(/TopicArn.*not resolved/),
        }),
      ]),
    );
    const serialized = JSON.stringify([estate.functions, estate.triggers, estate.resources, estate.policies]);
    expect(serialized).not.toContain('${');
    const publish = estate.policies.find((p) => p.id.includes('#inline/'));
    expect(JSON.stringify(publish?.document)).toContain('arn:aws:sns:us-east-1:111122223333:alerts-prod');
  });
});

describe('files a serverless.yml includes through file()', () => {
  const service = join(DIR, '../../../scan/trigger-serverless-variables-kinesis');

  it('are part of that service, not inputs of their own, in whatever order they are listed', () => {
    for (const paths of [
      [service],
      [join(service, 'config/resources.yml'), join(service, 'serverless.yml')],
    ]) {
      const loaded = loadEstates(paths, awsImporters, {
        ...DEFAULT_IMPORT_OPTIONS,
        params: { stage: 'prod' },
      });
      expect(loaded.stats.imported).toBe(1);
      expect(loaded.estates).toHaveLength(1);
      expect(loaded.estates[0]!.resources.map((r) => r.id)).toEqual(
        expect.arrayContaining([
          'arn:aws:kinesis:eu-central-1:123456789012:stream/ledger-events-prod',
          'arn:aws:dynamodb:eu-central-1:123456789012:table/ledger-prod',
        ]),
      );
    }
  });
});
