/** Reading the importer fixtures as the loader would hand them to an importer. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportInput, ImportOptions } from '../../../../../src/providers/aws/importers/importer.js';

export const FIXTURES = join(import.meta.dirname, '../../../../fixtures/aws-import');

export const OPTIONS: ImportOptions = {
  account: '111122223333',
  region: 'eu-west-1',
  partition: 'aws',
  params: {},
};

/** The fixture at `relative` (under test/fixtures/aws-import), with `file` as the user would have named it. */
export function fixture(relative: string): ImportInput {
  const text = readFileSync(join(FIXTURES, relative), 'utf8');
  return { file: `exports/${relative}`, text, parsed: JSON.parse(text) as unknown };
}

/** An input built in the test, for shapes too small to deserve a file. */
export function inline(file: string, parsed: unknown): ImportInput {
  return { file, text: JSON.stringify(parsed), parsed };
}
