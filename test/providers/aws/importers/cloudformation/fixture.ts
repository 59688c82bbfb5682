import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Estate, PolicyAttachment, Trigger } from '../../../../../src/model/index.js';
import { cloudFormationImporter } from '../../../../../src/providers/aws/importers/cloudformation/index.js';
import {
  DEFAULT_IMPORT_OPTIONS,
  type ImportInput,
  type ImportOptions,
} from '../../../../../src/providers/aws/importers/importer.js';

export const FIXTURES = join(import.meta.dirname, '../../../../fixtures/aws-import');

export function fixtureInput(relative: string): ImportInput {
  const file = join(FIXTURES, relative);
  return { file, text: readFileSync(file, 'utf8'), parsed: undefined };
}

export function importCfn(name: string, options: Partial<ImportOptions> = {}): Estate {
  return cloudFormationImporter.import(fixtureInput(`cloudformation/${name}`), {
    ...DEFAULT_IMPORT_OPTIONS,
    ...options,
  });
}

export const ACCOUNT = DEFAULT_IMPORT_OPTIONS.account;
export const arn = {
  fn: (name: string, region = 'us-east-1') => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`,
  role: (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
};

export function triggersTo(estate: Estate, target: string): Trigger[] {
  return estate.triggers.filter((t) => t.target === target);
}

export function policy(estate: Estate, id: string, attachedTo?: string): PolicyAttachment {
  const found = estate.policies.find(
    (p) => p.id === id && (attachedTo === undefined || p.attachedTo === attachedTo),
  );
  if (!found) throw new Error(`no policy ${id}; have ${estate.policies.map((p) => p.id).join(', ')}`);
  return found;
}

/** The statements of a policy document as plain objects. */
export function statements(attachment: PolicyAttachment): Record<string, unknown>[] {
  return (attachment.document as { Statement: Record<string, unknown>[] }).Statement;
}
