import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2004 } from './ajvDraft04.js';
import { describe, expect, it } from 'vitest';
import {
  bypassFindings,
  markdownReport,
  sarifReport,
  textReport,
  type ScanReport,
} from '../../src/findings/index.js';
import { buildProfile, findBypassPaths } from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { chainEstate, figureOneEstate } from '../profile/estates.js';
import { mergeEstates } from '../../src/profile/index.js';

function report(): ScanReport {
  const estate = mergeEstates([figureOneEstate(), chainEstate()]);
  const x = estate.functions.find((f) => f.name === 'X');
  if (x) x.source = { file: 'examples/estate/fig1.yaml', line: 18, path: 'Resources.FunctionX' };
  const authorizer = createAwsEstateAuthorizer(estate);
  const profile = buildProfile(estate, authorizer);
  const findings = bypassFindings(
    findBypassPaths(profile, authorizer),
    authorizer,
    new Map(estate.functions.map((f) => [f.id, f])),
  );
  return {
    version: 1,
    findings,
    errors: [{ file: 'broken.yaml', message: 'does not parse: bad indentation', location: 'line 3' }],
    notices: [],
    stats: { ...profile.stats },
  };
}

/** A report with no finding, an error, an info item and two notices. */
function withNotices(): ScanReport {
  return {
    version: 1,
    findings: [],
    errors: [
      { file: 'broken.yaml', message: 'does not parse: bad indentation', location: 'line 3' },
      {
        file: 'app.yaml',
        message: 'S3 event types s3:Replication:* are not modelled as triggers',
        location: 'Resources.Bucket',
        severity: 'info',
      },
    ],
    notices: [
      { code: 'no-requesters', message: '2 function(s), but no requester was found in the inputs' },
      {
        code: 'unsupported-input',
        message: 'raw Terraform configuration (.tf): not read',
        file: 'infra/main.tf',
      },
    ],
    stats: { functions: 2, requesters: 0 },
  };
}

// The SARIF 2.1.0 schema (draft-04), as published with Microsoft's SARIF tooling (dev dependency).
const require = createRequire(import.meta.url);
const schemaPath = join(
  dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib/schemas/sarif-2.1.0-rtm.5.json',
);

describe('reporters', () => {
  it('writes SARIF 2.1.0 that validates against the schema, with the template location of the entry', () => {
    const sarif = sarifReport(report(), '0.1.0') as {
      runs: { results: { locations: unknown[]; level: string }[] }[];
    };
    const ajv = new Ajv2004({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.level === 'error')).toBe(true);
    expect(JSON.stringify(results)).toContain('"uri":"examples/estate/fig1.yaml"');
    expect(JSON.stringify(results)).toContain('"startLine":18');
  });

  it('fails schema validation for a broken SARIF log (the check can fail)', () => {
    const ajv = new Ajv2004({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it('puts notices and info items in SARIF tool execution notifications, valid against the schema', () => {
    const sarif = sarifReport(withNotices(), '0.1.0') as {
      runs: {
        invocations: {
          toolExecutionNotifications: {
            level: string;
            descriptor?: { id: string };
            message: { text: string };
          }[];
        }[];
      }[];
    };
    const ajv = new Ajv2004({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    const notifications = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notifications.map((n) => [n.descriptor?.id, n.level])).toEqual([
      ['no-requesters', 'warning'],
      ['unsupported-input', 'note'],
      [undefined, 'warning'],
      [undefined, 'note'],
    ]);
    expect(notifications[1]!.message.text).toContain('infra/main.tf');
  });

  it('separates findings, notices, errors and notes in text, and counts only real errors', () => {
    const text = textReport(withNotices());
    const header = text.split('\n')[0]!;
    expect(header).toContain('1 error(s), 2 notice(s)');
    expect(text).toContain('not a clean bill of health');
    const notices = text.indexOf('Notices:');
    const errors = text.indexOf('Could not read:');
    const notes = text.indexOf('Read, but not modelled:');
    expect(notices).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(notices);
    expect(notes).toBeGreaterThan(errors);
    // The info item is listed under its own heading, never under "Could not read".
    expect(text.slice(errors, notes)).not.toContain('not modelled as triggers');
    expect(text.slice(notes)).toContain('S3 event types s3:Replication:* are not modelled as triggers');
    expect(text).toContain('[unsupported-input] infra/main.tf: raw Terraform');
  });

  it('lists notices in Markdown, apart from errors', () => {
    const markdown = markdownReport(withNotices());
    expect(markdown).toContain('1 input error(s), 2 notice(s)');
    expect(markdown).toContain('## Notices');
    expect(markdown).toContain('- **no-requesters**');
    expect(markdown).toContain('## Read, but not modelled');
  });

  it('renders each path on one line in text, and lists unreadable inputs', () => {
    const text = textReport(report());
    expect(text).toContain('U -invoke-> X -dynamodb:PutItem-> DB-1');
    expect(text).toContain(
      'mallory -sqs:SendMessage-> orders -trigger-> order-consumer -sns:Publish-> order-events -trigger-> ledger-writer -dynamodb:PutItem-> ledger',
    );
    expect(text).toContain('broken.yaml (line 3): does not parse: bad indentation');
  });

  it('renders a Markdown table with one row per finding', () => {
    const markdown = markdownReport(report());
    const rows = markdown.split('\n').filter((line) => line.startsWith('| high'));
    expect(rows).toHaveLength(2);
    expect(markdown).toContain('```\nU -invoke-> X -dynamodb:PutItem-> DB-1\n```');
  });
});
