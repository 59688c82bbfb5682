/**
 * Runs every hand-written fixture under test/fixtures/simulate through the AWS authorizer.
 * Each fixture is a valid `ares simulate` input file whose `expected` block gives the decision,
 * a subset of the reasons (each listed field must match some actual reason) and, for
 * `conditional`, the exact set of missing context keys.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { authorize, compilePolicySet, parseSimulationInput } from '../../../src/providers/aws/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/simulate');

interface Expected {
  decision: 'allow' | 'explicit-deny' | 'implicit-deny' | 'conditional';
  reasons?: Record<string, unknown>[];
  missingContextKeys?: string[];
}

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return listJson(full);
      return entry.isFile() && entry.name.endsWith('.json') ? [full] : [];
    })
    .sort();
}

/** True when every field listed in `expected` equals the same field of `actual`. */
function matchesSubset(expected: Record<string, unknown>, actual: object): boolean {
  const fields = actual as Record<string, unknown>;
  return Object.entries(expected).every(
    ([key, value]) => JSON.stringify(fields[key]) === JSON.stringify(value),
  );
}

const files = listJson(FIXTURES);

describe('AWS authorizer fixtures', () => {
  it('has at least 150 fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(150);
  });

  for (const file of files) {
    const rel = relative(FIXTURES, file).split('\\').join('/');
    const text = readFileSync(file, 'utf8');
    const fixture = JSON.parse(text) as { description?: string; expected?: Expected };
    it(`${rel}: ${fixture.description ?? ''}`, () => {
      const expected = fixture.expected;
      expect(expected, `${rel} has no "expected" block`).toBeDefined();
      if (!expected) return;
      const { request, policies } = parseSimulationInput(JSON.parse(text));
      const decision = authorize(request, compilePolicySet(policies));
      const shown = JSON.stringify(decision, null, 2);

      expect(decision.decision, `decision of ${rel}; engine answered:\n${shown}`).toBe(expected.decision);
      for (const reason of expected.reasons ?? []) {
        const found = decision.reasons.some((actual) => matchesSubset(reason, actual));
        expect(found, `${rel}: no reason matches ${JSON.stringify(reason)}; engine answered:\n${shown}`).toBe(
          true,
        );
      }
      if (expected.missingContextKeys !== undefined) {
        const actual = decision.decision === 'conditional' ? [...decision.missingContextKeys].sort() : [];
        expect(actual, `missingContextKeys of ${rel}; engine answered:\n${shown}`).toEqual(
          [...expected.missingContextKeys].sort(),
        );
      }
    });
  }
});
