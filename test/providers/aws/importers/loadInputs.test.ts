/**
 * `ares scan` (loadEstates over paths) and the corpus runner (listInputFiles, then loadInputFiles one file at a
 * time) must read and recognise the same files, and name the same unsupported inputs.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  awsImporters,
  DEFAULT_IMPORT_OPTIONS,
  listInputFiles,
  loadEstates,
  loadInputFiles,
} from '../../../../src/providers/aws/importers/index.js';

function mixedDirectory(): string {
  const root = mkdtempSync(join(tmpdir(), 'ares-load-'));
  mkdirSync(join(root, 'tf'));
  mkdirSync(join(root, 'fn', 'HttpTrigger'), { recursive: true });
  writeFileSync(join(root, 'tf', 'main.tf'), 'resource "aws_sqs_queue" "q" {}\n');
  writeFileSync(join(root, 'tf', 'outputs.tf'), 'output "x" { value = 1 }\n');
  writeFileSync(join(root, 'fn', 'host.json'), '{ "version": "2.0" }');
  writeFileSync(join(root, 'fn', 'HttpTrigger', 'function.json'), '{ "bindings": [] }');
  writeFileSync(join(root, 'Pulumi.yaml'), 'name: app\nruntime: nodejs\n');
  writeFileSync(join(root, 'policy.json'), '{"Version":"2012-10-17","Statement":[]}');
  writeFileSync(join(root, 'data.json'), '{"rows": [1, 2]}');
  return root;
}

describe('loading inputs', () => {
  it('reads the same files and gives the same notices whole or one file at a time', () => {
    for (const root of [mixedDirectory(), 'examples/estate']) {
      const whole = loadEstates([root], awsImporters, DEFAULT_IMPORT_OPTIONS);
      const perFile = listInputFiles([root], []).map((f) =>
        loadInputFiles([f], awsImporters, DEFAULT_IMPORT_OPTIONS),
      );
      const sum = (key: 'files' | 'imported' | 'ignored' | 'failed' | 'unsupported') =>
        perFile.reduce((n, l) => n + l.stats[key], 0);
      expect({
        files: sum('files'),
        imported: sum('imported'),
        ignored: sum('ignored'),
        failed: sum('failed'),
        unsupported: sum('unsupported'),
      }).toEqual({
        files: whole.stats.files,
        imported: whole.stats.imported,
        ignored: whole.stats.ignored,
        failed: whole.stats.failed,
        unsupported: whole.stats.unsupported,
      });
      const key = (n: { code: string; file?: string; message: string }) => `${n.code} ${n.file} ${n.message}`;
      const perFileNotices = new Set(perFile.flatMap((l) => l.notices.map(key)));
      expect([...perFileNotices].sort()).toEqual(whole.notices.map(key).sort());
    }
  });

  it('gives one notice per directory for Terraform and Azure Functions, per file otherwise', () => {
    const root = mixedDirectory();
    const loaded = loadEstates([root], awsImporters, DEFAULT_IMPORT_OPTIONS);
    const notices = loaded.notices.map((n) => [n.message.split(':')[0], n.file]);
    expect(notices.sort()).toEqual(
      [
        ['a Pulumi project (Pulumi.yaml)', root],
        ['a bare IAM policy document (attached to nothing in the inputs)', join(root, 'policy.json')],
        ['an Azure Functions app (host.json / function.json)', join(root, 'fn')],
        ['raw Terraform configuration (.tf)', join(root, 'tf')],
      ].sort(),
    );
    expect(loaded.stats).toMatchObject({ unsupported: 6, ignored: 1, imported: 0, failed: 0 });
    expect(loaded.errors).toEqual([]);
  });
});
