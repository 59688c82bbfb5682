/**
 * Fixture-driven scan cases. Every directory under test/fixtures/scan holds native inputs (templates, CLI exports,
 * `terraform show -json`) and an `expected.json` saying what `ares scan <dir> --format json` must report:
 *
 *   { "description": "...", "args": ["--include-implicit"],
 *     "findings": [{ "principal", "entry", "resource", "denial", "severity", "actions", "path", "conditions"? }],
 *     "errors": 0, "notices"?: ["no-requesters", ...] }
 *
 * `findings` is the exact set of findings (compared on those fields, `path` as `renderPath` prints it);
 * `errors` the number of errors whose severity is not `info`, or a list of `{ file, messageIncludes }` naming them
 * (`file` relative to the case directory); `notices`, when given, the codes of the report's notices (sorted, with
 * repeats). To add a case, add a directory; this file needs no change.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPath, type ScanReport } from '../../src/findings/index.js';
import type { Finding } from '../../src/model/index.js';
import { runCli } from '../cli/runCli.js';

const CASES_DIR = join('test', 'fixtures', 'scan');

/**
 * Cases whose expectation follows the threat definition but that ares does not meet yet: case → why. They are
 * skipped, by name, until ares is fixed; remove the entry to run the case again.
 */
const KNOWN_ISSUES: Record<string, string> = {};

interface ExpectedFinding {
  principal: string;
  entry: string;
  resource: string;
  denial: string;
  severity: string;
  actions: string[];
  path: string;
  conditions?: string[];
}

interface ExpectedError {
  file: string;
  messageIncludes: string;
}

interface CaseExpectation {
  description: string;
  args: string[];
  findings: ExpectedFinding[];
  errors: number | ExpectedError[];
  notices?: string[];
}

const FINDING_KEYS = [
  'principal',
  'entry',
  'resource',
  'denial',
  'severity',
  'actions',
  'path',
  'conditions',
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Reads and checks a case's expected.json, so that a typo in a fixture fails loudly instead of passing. */
function readExpectation(dir: string): CaseExpectation {
  const file = join(dir, 'expected.json');
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const fail = (problem: string): never => {
    throw new Error(`${file}: ${problem}`);
  };
  if (!isRecord(raw)) return fail('not an object');
  const unknownKeys = Object.keys(raw).filter(
    (k) => !['description', 'args', 'findings', 'errors', 'notices'].includes(k),
  );
  if (unknownKeys.length > 0) fail(`unknown keys ${unknownKeys.join(', ')}`);
  if (typeof raw.description !== 'string' || raw.description.trim() === '') fail('description is missing');
  if (raw.args !== undefined && !isStringList(raw.args)) fail('args must be a list of strings');
  if (raw.notices !== undefined && !isStringList(raw.notices)) fail('notices must be a list of codes');
  if (!Array.isArray(raw.findings)) return fail('findings must be a list');
  raw.findings.forEach((finding, i) => {
    if (!isRecord(finding)) return fail(`findings[${i}] is not an object`);
    const extra = Object.keys(finding).filter((k) => !FINDING_KEYS.includes(k));
    if (extra.length > 0) fail(`findings[${i}] has unknown keys ${extra.join(', ')}`);
    for (const key of ['principal', 'entry', 'resource', 'denial', 'severity', 'path']) {
      if (typeof finding[key] !== 'string') fail(`findings[${i}].${key} must be a string`);
    }
    if (!isStringList(finding.actions)) fail(`findings[${i}].actions must be a list of strings`);
    if (finding.conditions !== undefined && !isStringList(finding.conditions))
      fail(`findings[${i}].conditions must be a list of strings`);
  });
  const errors = raw.errors;
  const errorList =
    Array.isArray(errors) &&
    errors.every((e) => isRecord(e) && typeof e.file === 'string' && typeof e.messageIncludes === 'string');
  if (!(typeof errors === 'number' && Number.isInteger(errors) && errors >= 0) && !errorList)
    fail('errors must be a count or a list of {file, messageIncludes}');
  return {
    description: raw.description as string,
    args: (raw.args as string[] | undefined) ?? [],
    findings: raw.findings as ExpectedFinding[],
    errors: errors as number | ExpectedError[],
    ...(raw.notices !== undefined ? { notices: raw.notices as string[] } : {}),
  };
}

/** A finding as the expectations spell it. */
function project(finding: Finding): ExpectedFinding {
  return {
    principal: finding.principal.name,
    entry: finding.entry.name,
    resource: finding.resource.name,
    denial: finding.denial,
    severity: finding.severity,
    actions: finding.actions,
    path: renderPath(finding.path),
    ...(finding.conditions ? { conditions: finding.conditions } : {}),
  };
}

const sortKey = (f: ExpectedFinding): string =>
  [f.principal, f.entry, f.resource, f.denial, f.path].join('\u0000');
const sorted = (findings: ExpectedFinding[]): ExpectedFinding[] =>
  [...findings].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));

const cases = readdirSync(CASES_DIR)
  .filter((name) => statSync(join(CASES_DIR, name)).isDirectory())
  .sort();

describe('scan fixtures (test/fixtures/scan)', () => {
  it('has an expected.json and an input in every case, and about a third of the cases expect no finding', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const name of cases) {
      const files = readdirSync(join(CASES_DIR, name));
      expect(files, name).toContain('expected.json');
      expect(files.length, `${name} has no input`).toBeGreaterThan(1);
    }
    const empty = cases.filter((name) => readExpectation(join(CASES_DIR, name)).findings.length === 0);
    expect(empty.length).toBeGreaterThanOrEqual(Math.floor(cases.length * 0.3));
  });

  it('names only existing cases as known issues', () => {
    expect(Object.keys(KNOWN_ISSUES).filter((name) => !cases.includes(name))).toEqual([]);
  });

  for (const name of cases) {
    const dir = join(CASES_DIR, name);
    const known = KNOWN_ISSUES[name];
    const test = known === undefined ? it : it.skip;
    test(known === undefined ? name : `${name} (known issue: ${known})`, async () => {
      const expected = readExpectation(dir);
      const result = await runCli('scan', dir, '--format', 'json', ...expected.args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as ScanReport;

      expect(sorted(report.findings.map(project))).toEqual(sorted(expected.findings));
      if (expected.notices)
        expect(report.notices.map((n) => n.code).sort()).toEqual([...expected.notices].sort());

      const errors = report.errors
        .filter((e) => e.severity !== 'info')
        .map((e) => ({ file: relative(dir, e.file), message: e.message, location: e.location }));
      if (typeof expected.errors === 'number') {
        expect(errors).toHaveLength(expected.errors);
      } else {
        expect(errors).toHaveLength(expected.errors.length);
        for (const want of expected.errors) {
          expect(errors).toContainEqual(
            expect.objectContaining({
              file: want.file,
              message: expect.stringContaining(want.messageIncludes),
            }),
          );
        }
      }
    });
  }
});
