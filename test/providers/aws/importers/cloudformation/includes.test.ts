import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Trigger } from '../../../../../src/model/index.js';
import { cloudFormationImporter } from '../../../../../src/providers/aws/importers/cloudformation/index.js';
import { DEFAULT_IMPORT_OPTIONS } from '../../../../../src/providers/aws/importers/importer.js';
import { ACCOUNT, FIXTURES, arn, fixtureInput, importCfn } from './fixture.js';

const api = (id: string, route: string) => `arn:aws:execute-api:us-east-1:${ACCOUNT}:${id}/*/${route}`;
const sm = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const INCLUDES = join(FIXTURES, 'cloudformation', 'includes');

/** source → target, with whether IAM decides who may call it (an `execute-api:Invoke` trigger). */
const routes = (triggers: Trigger[]) =>
  triggers
    .filter((t) => t.source.includes(':execute-api:'))
    .map((t) => [t.source, t.target, t.firedBy.includes('execute-api:Invoke') ? 'iam' : 'open']);

describe('files a template points to: OpenAPI definitions', () => {
  const estate = importCfn('includes/api-template.yaml');

  it('reads an OpenAPI 3 body included into DefinitionBody; security decides IAM or open per route', () => {
    expect(routes(estate.triggers).filter(([source]) => source?.includes(':OrdersApi/'))).toEqual([
      [api('OrdersApi', 'GET/orders'), arn.fn('list-orders'), 'open'],
      [api('OrdersApi', 'POST/orders'), arn.fn('create-order'), 'iam'],
      // x-amazon-apigateway-any-method, an `aws` integration, SAM's AWS_IAM authorizer name.
      [api('OrdersApi', '*/admin/*'), arn.fn('admin'), 'iam'],
      // A response-streaming integration (`/response-streaming-invocations`) runs the function too.
      [api('OrdersApi', 'GET/orders/stream'), arn.fn('list-orders'), 'open'],
    ]);
  });

  it('a mock integration is no entry point to a function, whatever its uri says', () => {
    expect(routes(estate.triggers).some(([source]) => source?.endsWith('/GET/health'))).toBe(false);
  });

  it('reads a SAM HttpApi DefinitionUri (JSON): global sigv4 security, and `security: []` opens a route', () => {
    expect(routes(estate.triggers).filter(([source]) => source?.includes(':ReportsApi/'))).toEqual([
      [api('ReportsApi', 'GET/reports'), arn.fn('list-orders'), 'iam'],
      [api('ReportsApi', 'GET/public'), arn.fn('admin'), 'open'],
    ]);
  });

  it('reads a RestApi BodyS3Location given as a local path (OpenAPI 2 securityDefinitions)', () => {
    expect(routes(estate.triggers).filter(([source]) => source?.includes(':LegacyApi/'))).toEqual([
      [api('LegacyApi', 'POST/legacy/create'), arn.fn('create-order'), 'iam'],
      [api('LegacyApi', 'GET/legacy/list'), arn.fn('list-orders'), 'open'],
    ]);
  });

  it('splices a Fn::Transform snippet into Resources, and reports nothing', () => {
    expect(estate.resources.map((r) => r.id)).toContain(`arn:aws:sqs:us-east-1:${ACCOUNT}:orders-queue`);
    expect(estate.errors).toEqual([]);
    expect(estate.notices).toEqual([]);
  });
});

describe('files a template points to: the top-level Transform form', () => {
  it("merges the snippet's sections into the template's, the template's own entries winning", () => {
    const estate = importCfn('includes/top-level-template.yaml');
    expect(estate.functions.map((f) => f.id).sort()).toEqual([arn.fn('from-snippet'), arn.fn('own')]);
    expect(estate.errors).toEqual([]);
  });
});

describe('files a template points to: state machine definitions', () => {
  const estate = importCfn('includes/workflow-template.yaml');

  it('reads DefinitionUri (JSON) with DefinitionSubstitutions and DefinitionS3Location (YAML) when local', () => {
    expect(estate.triggers.map((t) => [t.kind, t.source, t.target])).toEqual([
      ['state-machine', sm('order-flow'), arn.fn('validate')],
      ['state-machine', sm('order-flow'), arn.fn('charge')],
      ['state-machine', sm('ship-flow'), arn.fn('ship')],
    ]);
    expect(estate.errors).toEqual([]);
    expect(estate.notices).toEqual([]);
  });
});

describe('files that must not or cannot be read', () => {
  const estate = importCfn('includes/unreadable-template.yaml');
  const notice = (fragment: string) =>
    estate.notices.find((n) => n.code === 'unresolved-reference' && n.message.includes(fragment));

  it('never reads a path that leaves the scan root, nor an absolute path, nor S3', () => {
    expect(notice('EscapingApi')?.message).toMatch(/is outside the scanned tree \(\.\.\/sam-events\.yaml\)/);
    expect(notice('AbsoluteApi')?.message).toMatch(/is an absolute path \(\/etc\/hostname\)/);
    expect(notice('BuiltLocationApi')?.message).toMatch(/is a Location that is not a literal path/);
    expect(notice('S3Api')?.message).toMatch(/is in S3 \(s3:\/\/my-bucket\/api\.yaml\)/);
    expect(notice('S3Flow')?.message).toMatch(
      /state machine definition .* is in S3 \(s3:\/\/my-bucket\/flow/,
    );
    // ../sam-events.yaml exists and is a template: had it been read, its functions would be triggers here.
    expect(estate.triggers).toEqual([]);
  });

  it('reports a missing file as a notice naming it', () => {
    expect(notice('MissingApi')?.message).toMatch(
      /OpenAPI definition .* is missing \(openapi\/missing\.yaml\)/,
    );
  });

  it('reports a file that does not parse as an error naming that file, and a self-include once', () => {
    expect(estate.errors).toEqual([
      expect.objectContaining({
        file: join(INCLUDES, 'snippets', 'broken.yaml'),
        message: expect.stringMatching(/AWS::Include snippet named at .*BrokenApi.* does not parse: line 4/),
      }),
      expect.objectContaining({ message: expect.stringMatching(/loop\.yaml includes itself/) }),
    ]);
  });

  it('still imports the rest: the function, and the snippet read before the loop', () => {
    expect(estate.functions.map((f) => f.id)).toEqual([arn.fn('survivor')]);
    expect(estate.resources.map((r) => r.id)).toContain(`arn:aws:sqs:us-east-1:${ACCOUNT}:LoopQueue`);
  });

  it('reads a path with `..` that stays inside the root the loader gives', () => {
    const input = { ...fixtureInput('cloudformation/includes/unreadable-template.yaml'), root: FIXTURES };
    const wider = cloudFormationImporter.import(input, DEFAULT_IMPORT_OPTIONS);
    expect(wider.notices.some((n) => n.message.includes('EscapingApi'))).toBe(false);
  });

  it('does not follow a symbolic link that leads out of the root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ares-include-'));
    try {
      cpSync(join(INCLUDES, 'api-template.yaml'), join(dir, 'template.yaml'));
      cpSync(join(INCLUDES, 'snippets'), join(dir, 'snippets'), { recursive: true });
      // openapi/ is a link to the fixture's openapi/ directory, outside this root.
      symlinkSync(join(INCLUDES, 'openapi'), join(dir, 'openapi'));
      const file = join(dir, 'template.yaml');
      const input = { ...fixtureInput('cloudformation/includes/api-template.yaml'), file, root: dir };
      const linked = cloudFormationImporter.import(input, DEFAULT_IMPORT_OPTIONS);
      expect(routes(linked.triggers)).toEqual([]);
      expect(linked.notices.map((n) => n.message)).toEqual([
        expect.stringMatching(/OrdersApi.* is outside the scanned tree \(\.\/openapi\/orders\.yaml\)/),
        expect.stringMatching(/ReportsApi.* is outside the scanned tree \(openapi\/reports\.json\)/),
        expect.stringMatching(/LegacyApi.* is outside the scanned tree \(openapi\/legacy-swagger\.yaml\)/),
      ]);
      // The snippet is a real file inside the root: still read.
      expect(linked.resources.map((r) => r.id)).toContain(`arn:aws:sqs:us-east-1:${ACCOUNT}:orders-queue`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
