/**
 * Stack identity across the templates of one scan: stack names (samconfig, --stack, directory), stack-qualified
 * generated names, exports joined to imports, and what stays unresolved reported as a notice.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/findings/index.js';
import { scanPaths } from '../../src/cli/commands/scan.js';
import { importTemplateText } from '../../src/providers/aws/importers/cloudformation/importTemplate.js';
import { DEFAULT_IMPORT_OPTIONS } from '../../src/providers/aws/importers/importer.js';
import { samconfigStackName, StackNamer } from '../../src/providers/aws/importers/index.js';
import { runCli } from '../cli/runCli.js';

const FIXTURES = join('test', 'fixtures', 'scan');
const COLLIDING = join(FIXTURES, 'stacks-colliding-logical-ids');
const ACCOUNT = DEFAULT_IMPORT_OPTIONS.account;
const OPTIONS = { account: ACCOUNT, region: 'us-east-1', params: {}, includeImplicit: false };
const table = (name: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe('stack names', () => {
  it('reads stack_name from the deploy parameters, else the global ones, of the default environment', () => {
    expect(
      samconfigStackName({
        default: { deploy: { parameters: { stack_name: 'a' } }, global: { parameters: { stack_name: 'b' } } },
      }),
    ).toBe('a');
    expect(samconfigStackName({ default: { global: { parameters: { stack_name: 'b' } } } })).toBe('b');
    expect(samconfigStackName({ prod: { deploy: { parameters: { stack_name: 'c' } } } })).toBeUndefined();
  });

  it('takes --stack first, then the nearest samconfig up to the scan root, then the directory name', () => {
    const root = mkdtempSync(join(tmpdir(), 'ares-stacks-'));
    mkdirSync(join(root, 'app', 'svc', 'deep'), { recursive: true });
    mkdirSync(join(root, 'other'), { recursive: true });
    writeFileSync(
      join(root, 'app', 'samconfig.toml'),
      '[default.deploy.parameters]\nstack_name = "app-prod"\n',
    );
    writeFileSync(join(root, 'samconfig.toml'), '[default.deploy.parameters]\nstack_name = "outside"\n');
    const template = join(root, 'app', 'svc', 'deep', 'template.yaml');
    const errors: unknown[] = [];
    const namer = new StackNamer([], (e) => errors.push(e));
    expect(namer.stackOf(template, join(root, 'app'))).toBe('app-prod');
    // A samconfig above the scan root is not the scanned application's.
    expect(namer.stackOf(join(root, 'other', 'template.yaml'), join(root, 'other'))).toBe('other');
    expect(namer.stackOf(template, template)).toBe('deep');
    const assigned = new StackNamer([{ name: 'chosen', path: join(root, 'app', 'svc') }], () => undefined);
    expect(assigned.stackOf(template, join(root, 'app'))).toBe('chosen');
    expect(errors).toEqual([]);
  });

  it('reports a samconfig that does not parse, naming the file, and falls back to the directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'ares-stacks-'));
    writeFileSync(join(root, 'samconfig.toml'), '[default.deploy.parameters\nstack_name = ');
    const errors: { file: string; message: string }[] = [];
    const namer = new StackNamer([], (e) => errors.push(e));
    expect(namer.stackOf(join(root, 'template.yaml'), root)).toBe(root.split('/').pop());
    expect(errors).toEqual([
      expect.objectContaining({
        file: join(root, 'samconfig.toml'),
        message: expect.stringContaining('does not parse'),
      }),
    ]);
  });
});

describe('templates scanned together', () => {
  const outcome = scanPaths([COLLIDING], OPTIONS);
  const { estate } = outcome;

  it('keeps resources with the same logical id in different stacks apart, under generated names', () => {
    expect(estate.resources.map((r) => r.id).sort()).toEqual([
      table('billing-prod-Table-*'),
      table('orders-Table-*'),
    ]);
    expect(estate.functions.map((f) => f.id).sort()).toEqual([
      fn('billing-prod-Writer-*'),
      fn('orders-Writer-*'),
    ]);
    expect(estate.functions.map((f) => f.identity).sort()).toEqual([
      role('billing-prod-WriterRole-*'),
      role('orders-WriterRole-*'),
    ]);
  });

  it('does not union roles across stacks: each Writer role may write its own table only', () => {
    for (const [stack, other] of [
      ['billing-prod', 'orders'],
      ['orders', 'billing-prod'],
    ] as const) {
      const writer = role(`${stack}-WriterRole-*`);
      const own = outcome.authorizer.decide(writer, {
        resource: table(`${stack}-Table-*`),
        action: 'dynamodb:PutItem',
      });
      const theirs = outcome.authorizer.decide(writer, {
        resource: table(`${other}-Table-*`),
        action: 'dynamodb:PutItem',
      });
      expect(own.decision).toBe('allow');
      expect(theirs.decision).toBe('implicit-deny');
    }
  });

  it('resolves an import against the export of another stack, named with AWS::StackName', () => {
    const alice = estate.policies.find((p) => p.attachedTo.endsWith(':user/alice'));
    expect(JSON.stringify(alice?.document)).toContain(fn('billing-prod-Writer-*'));
    expect(estate.notices).toEqual([]);
  });

  it('names stacks from --stack NAME=PATH', async () => {
    const result = await runCli(
      'scan',
      COLLIDING,
      '--stack',
      `shipping=${join(COLLIDING, 'orders')}`,
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ScanReport;
    expect(report.findings.map((f) => f.entry.name)).toEqual(['billing-prod-Writer-*']);
    const scanned = scanPaths([COLLIDING], {
      ...OPTIONS,
      stacks: [{ name: 'shipping', path: join(COLLIDING, 'orders') }],
    });
    expect(scanned.estate.functions.map((f) => f.name).sort()).toEqual([
      'billing-prod-Writer-*',
      'shipping-Writer-*',
    ]);
  });

  it('rejects a --stack that is not NAME=PATH, or names a path that does not exist', async () => {
    expect((await runCli('scan', COLLIDING, '--stack', 'nope')).code).toBe(2);
    expect((await runCli('scan', COLLIDING, '--stack', `9bad=${COLLIDING}`)).code).toBe(2);
    expect((await runCli('scan', COLLIDING, '--stack', 'ok=/no/such/dir')).code).toBe(2);
  });
});

describe('what stays unresolved', () => {
  it('reports an import with no export once, as a notice, and grants nothing through it', () => {
    const { estate, report, authorizer } = scanPaths([join(FIXTURES, 'stacks-unresolved-import')], OPTIONS);
    expect(report.notices.map((n) => n.code)).toEqual(['unresolved-reference', 'unresolved-reference']);
    expect(report.notices.map((n) => n.message)).toEqual([
      expect.stringContaining("Fn::ImportValue 'shared-TableArn' names no export"),
      expect.stringContaining("Fn::ImportValue 'shared-TableName' names no export"),
    ]);
    expect(report.notices[0]?.file).toContain('stacks-unresolved-import');
    // Not a policy variable: the worker's role is plainly not granted the other tables (before: conditional on
    // a fake key "importvalue:shared-tablearn", for every table).
    const workerRole = estate.functions[0]?.identity as string;
    for (const name of ['orders', 'audit']) {
      const decision = authorizer.decide(workerRole, { resource: table(name), action: 'dynamodb:PutItem' });
      expect(decision.decision).toBe('implicit-deny');
    }
    expect(report.findings).toEqual([]);
  });

  const template = (type: string, extra = '') => `
Parameters:
  BusName:
    Type: ${type}
${extra}
Resources:
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref BusName
      EventPattern: { source: [orders] }
      Targets: [{ Id: t, Arn: !GetAtt Fn.Arn }]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: consumer
      Role: !Sub arn:aws:iam::\${AWS::AccountId}:role/consumer
      Code: { ZipFile: x }
`;

  it('takes an SSM-typed parameter from --param, or says it is unknown (never silently)', () => {
    const ssm = 'AWS::SSM::Parameter::Value<String>';
    const given = importTemplateText('t.yaml', template(ssm, '    Default: /shared/bus'), {
      ...DEFAULT_IMPORT_OPTIONS,
      params: { BusName: 'orders-bus' },
    });
    expect(given.triggers.map((t) => t.source)).toContain(
      `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders-bus`,
    );
    expect(given.notices).toEqual([]);
    const unknown = importTemplateText(
      't.yaml',
      template(ssm, '    Default: /shared/bus'),
      DEFAULT_IMPORT_OPTIONS,
    );
    expect(unknown.notices).toEqual([
      {
        code: 'unresolved-reference',
        message: expect.stringContaining(
          "parameter 'BusName' takes its value from SSM parameter '/shared/bus'",
        ),
        file: 't.yaml',
      },
    ]);
  });

  it('reports an SSM dynamic reference as a notice', () => {
    const estate = importTemplateText(
      't.yaml',
      `
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: '{{resolve:ssm:/app/fn-name}}'
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: x }
`,
      DEFAULT_IMPORT_OPTIONS,
    );
    expect(estate.notices).toEqual([
      expect.objectContaining({
        code: 'unresolved-reference',
        message: expect.stringContaining('{{resolve:ssm:/app/fn-name}}'),
      }),
    ]);
  });

  it('resolves AWS::StackName and leaves it symbolic outside a named stack', () => {
    const text = `
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${AWS::StackName}-jobs'
  Bucket:
    Type: AWS::S3::Bucket
`;
    const named = importTemplateText('t.yaml', text, { ...DEFAULT_IMPORT_OPTIONS, stack: 'Shop' });
    expect(named.resources.map((r) => r.name).sort()).toEqual(['Shop-jobs', 'shop-bucket-*']);
    const unnamed = importTemplateText('t.yaml', text, DEFAULT_IMPORT_OPTIONS);
    expect(unnamed.resources.map((r) => r.name).sort()).toEqual(['${AWS::StackName}-jobs', 'Bucket']);
  });
});

describe('exports that import', () => {
  it('follows an export whose value imports another stack export, through every stack', () => {
    const root = mkdtempSync(join(tmpdir(), 'ares-exports-'));
    const write = (stack: string, text: string) => {
      mkdirSync(join(root, stack));
      writeFileSync(join(root, stack, 'template.yaml'), text);
    };
    write(
      'data',
      `Resources:
  Table: { Type: AWS::DynamoDB::Table }
Outputs:
  TableArn:
    Value: !GetAtt Table.Arn
    Export: { Name: !Sub '\${AWS::StackName}-TableArn' }
`,
    );
    write(
      'relay',
      `Resources:
  Q: { Type: AWS::SQS::Queue }
Outputs:
  Forwarded:
    Value: !ImportValue data-TableArn
    Export: { Name: relay-TableArn }
`,
    );
    write(
      'app',
      `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement: [{ Effect: Allow, Action: dynamodb:GetItem, Resource: !ImportValue relay-TableArn }]
`,
    );
    const { estate } = scanPaths([root], OPTIONS);
    const policy = estate.policies.find((p) => p.name === 'p');
    expect(JSON.stringify(policy?.document)).toContain(table('data-Table-*'));
    expect(estate.notices).toEqual([]);
  });
});

describe('random ids', () => {
  it("keeps two stacks' implicit ServerlessRestApi apart", () => {
    const root = mkdtempSync(join(tmpdir(), 'ares-apis-'));
    for (const stack of ['front', 'back']) {
      mkdirSync(join(root, stack));
      writeFileSync(
        join(root, stack, 'template.yaml'),
        `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: src/
      Events:
        Get: { Type: Api, Properties: { Path: /, Method: get, Auth: { Authorizer: AWS_IAM } } }
`,
      );
    }
    const { estate } = scanPaths([root], OPTIONS);
    const apis = estate.resources.filter((r) => r.service === 'execute-api').map((r) => r.name);
    expect(apis.sort()).toEqual(['back-ServerlessRestApi', 'front-ServerlessRestApi']);
    const sources = estate.triggers.map((t) => `${t.source} -> ${t.target}`).sort();
    expect(sources).toHaveLength(2);
    expect(sources[0]).toMatch(/back-ServerlessRestApi\/.* -> .*function:back-Fn-\*$/);
    expect(sources[1]).toMatch(/front-ServerlessRestApi\/.* -> .*function:front-Fn-\*$/);
  });
});
