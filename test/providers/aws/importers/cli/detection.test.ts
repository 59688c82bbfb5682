import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliImporters } from '../../../../../src/providers/aws/importers/cli/index.js';
import { terraformImporter } from '../../../../../src/providers/aws/importers/terraform/index.js';
import { fixture, FIXTURES, inline } from './fixtureInput.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.json') ? [path] : [];
  });
}

const importers = [...cliImporters, terraformImporter];

describe('recognising exports by content', () => {
  it.each(files(join(FIXTURES, 'cli')).map((f) => relative(FIXTURES, f)))(
    'exactly one importer detects %s',
    (file) => {
      const input = fixture(file);
      expect(importers.filter((i) => i.detect(input)).map((i) => i.name)).toHaveLength(1);
    },
  );

  it.each([
    ['a CloudFormation template', { AWSTemplateFormatVersion: '2010-09-09', Resources: {} }],
    [
      'aws iam list-policies',
      { Policies: [{ PolicyName: 'p', Arn: 'arn:aws:iam::1:policy/p', DefaultVersionId: 'v1' }] },
    ],
    [
      'aws organizations list-targets-for-policy',
      { Targets: [{ TargetId: '1', Arn: 'arn:x', Name: 'n', Type: 'ACCOUNT' }] },
    ],
    ['an array', [1, 2]],
    ['null', null],
    ['a string', 'Functions'],
  ])('no importer takes %s', (_what, parsed) => {
    const input = inline('x.json', parsed);
    expect(importers.filter((i) => i.detect(input)).map((i) => i.name)).toEqual([]);
  });
});
