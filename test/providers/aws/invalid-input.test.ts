/**
 * Invalid `ares simulate` inputs under test/fixtures/simulate-invalid: each must be rejected by
 * JSON.parse, parseSimulationInput or compilePolicySet with an error that names the place at fault.
 * `cases.json` lists the files; `errorIncludes` holds the file name (checked by the CLI test) and the
 * words the error must contain here (its message, or path and problem for a PolicyValidationError).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  PolicyValidationError,
  compilePolicySet,
  parseSimulationInput,
} from '../../../src/providers/aws/index.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/simulate-invalid');

interface InvalidCase {
  file: string;
  errorIncludes: string[];
}

const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as InvalidCase[];

function errorText(error: unknown): string {
  if (error instanceof PolicyValidationError) return `${error.message} ${error.path} ${error.problem}`;
  return error instanceof Error ? error.message : String(error);
}

describe('invalid simulate inputs', () => {
  it('has at least 12 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const { file, errorIncludes } of cases) {
    it(`${file} is rejected`, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const words = errorIncludes.filter((w) => w !== file);
      if (words.length === 0) {
        // Malformed JSON: only JSON.parse throwing is asked of the pure parts.
        expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
        return;
      }
      const parsed: unknown = JSON.parse(text);
      let caught: unknown;
      try {
        const { policies } = parseSimulationInput(parsed);
        compilePolicySet(policies);
      } catch (error) {
        caught = error;
      }
      expect(caught, `${file} was accepted`).toBeInstanceOf(Error);
      const message = errorText(caught);
      for (const word of words) {
        expect(message, `error for ${file}`).toContain(word);
      }
    });
  }
});
