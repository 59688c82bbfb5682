import { describe, expect, it } from 'vitest';
import {
  TemplateParseError,
  cloudFormationImporter,
} from '../../../../../src/providers/aws/importers/cloudformation/index.js';
import { DEFAULT_IMPORT_OPTIONS } from '../../../../../src/providers/aws/importers/importer.js';
import { ACCOUNT, arn, fixtureInput, importCfn } from './fixture.js';

describe('broken and partial templates', () => {
  it('reports each construct that cannot be read, with its location, and imports the rest', () => {
    const estate = importCfn('invalid-construct.yaml');
    expect(estate.functions.map((f) => f.id)).toEqual([arn.fn('good')]);
    expect(estate.triggers.map((t) => t.source)).toEqual([`arn:aws:sqs:us-east-1:${ACCOUNT}:good-queue`]);
    expect(estate.errors.every((e) => e.severity === undefined)).toBe(true);
    expect(estate.errors.map((e) => [e.location, e.message])).toEqual([
      ['Resources.NoType (line 32)', 'resource has no Type'],
      ['Resources.BadProperties.Properties (line 37)', 'Properties is not a map; the resource is skipped'],
      ['Resources.Good.Properties.Events.Weird (line 12)', "unknown event type 'Carrier-Pigeon'"],
      [
        'Resources.Good.Properties.Events.NoBucket.Properties.Bucket (line 20)',
        'Bucket: expected a string, found nothing',
      ],
      [
        'Resources.BadPermission.Properties.FunctionName (line 24)',
        'FunctionName: expected a string, found nothing',
      ],
      [
        'Resources.BadMapping.Properties.EventSourceArn.Fn::GetAtt (line 31)',
        "Fn::GetAtt of 'NotDeclared', which the template does not declare",
      ],
      [
        'Resources.BadMapping (line 27)',
        "event source '${NotDeclared.Arn}' cannot be resolved to an SQS, Kinesis or DynamoDB stream ARN",
      ],
    ]);
  });

  it('keeps values only known at deployment symbolic and consistent', () => {
    const estate = importCfn('symbolic.yaml');
    expect(estate.functions.map((f) => [f.id, f.identity])).toEqual([
      [arn.fn('api-${Stage}'), '${ExistingRoleArn}'],
      [arn.fn('imported'), '${ImportValue:shared-role-arn}'],
    ]);
    expect(estate.triggers).toEqual([
      expect.objectContaining({
        source: '${ImportValue:shared-queue-arn}',
        target: arn.fn('api-${Stage}'),
        firedBy: ['sqs:SendMessage'],
      }),
    ]);
    expect(estate.resources.map((r) => r.id)).toContain(
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/\${AWS::StackName}-table`,
    );
    expect(estate.errors.map((e) => [e.severity, e.message])).toEqual([
      ['info', "condition 'IsProd' depends on values unknown before deployment; taken as true"],
      [undefined, "Ref to 'NowhereToBeFound', which the template does not declare"],
    ]);
  });

  it('takes AWS::StackName from --param when given', () => {
    const estate = importCfn('symbolic.yaml', { params: { 'AWS::StackName': 'shop', Stage: 'prod' } });
    expect(estate.resources.map((r) => r.id)).toContain(
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/shop-table`,
    );
    expect(estate.functions[0]!.id).toBe(arn.fn('api-prod'));
  });

  it('throws TemplateParseError with the line for text that is not YAML', () => {
    const run = () =>
      cloudFormationImporter.import(fixtureInput('cloudformation/broken.yaml'), DEFAULT_IMPORT_OPTIONS);
    expect(run).toThrow(TemplateParseError);
    expect(run).toThrow(/^line \d+: Flow sequence/);
  });

  it('accepts flow collections and quoted strings indented as CloudFormation tolerates, keeping line numbers', () => {
    const estate = importCfn('lenient-flow.yaml');
    expect(estate.principals.map((p) => p.name)).toEqual(['lenient']);
    expect(estate.policies.map((p) => [p.id, p.source?.line])).toEqual([
      [`${arn.role('lenient')}#trust`, 7],
      [`${arn.role('lenient')}#inline/p`, 11],
      [`${arn.role('lenient')}#inline/quoted`, 16],
    ]);
    const quoted = estate.policies[2]!.document as string;
    expect(JSON.parse(quoted)).toEqual({
      Statement: [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q` },
      ],
    });
  });

  it('imports JSON templates', () => {
    const estate = importCfn('template.json');
    expect(estate.functions.map((f) => f.id)).toEqual([arn.fn('json-us-east-1')]);
    expect(estate.triggers[0]).toMatchObject({
      kind: 'queue',
      source: `arn:aws:sqs:us-east-1:${ACCOUNT}:json-queue`,
      location: { line: 20 },
    });
  });

  it('survives hostile input: deep nesting, alias bombs and self-referencing names', () => {
    const deep = `AWSTemplateFormatVersion: x\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: ${'['.repeat(400)}${']'.repeat(400)}\n`;
    expect(() =>
      cloudFormationImporter.import(
        { file: 'deep.yaml', text: deep, parsed: undefined },
        DEFAULT_IMPORT_OPTIONS,
      ),
    ).toThrow(TemplateParseError);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const bombText = `AWSTemplateFormatVersion: x\n${bomb.join('\n')}\nResources: {}\n`;
    expect(() =>
      cloudFormationImporter.import(
        { file: 'bomb.yaml', text: bombText, parsed: undefined },
        DEFAULT_IMPORT_OPTIONS,
      ),
    ).toThrow(TemplateParseError);
    const loop = `Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetAtt B.QueueName\n  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetAtt A.QueueName\n`;
    const estate = cloudFormationImporter.import(
      { file: 'loop.yaml', text: loop, parsed: undefined },
      DEFAULT_IMPORT_OPTIONS,
    );
    expect(estate.resources.map((r) => r.service)).toContain('sqs');
  });
});
