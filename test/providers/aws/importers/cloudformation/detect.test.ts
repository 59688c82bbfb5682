import { describe, expect, it } from 'vitest';
import { cloudFormationImporter } from '../../../../../src/providers/aws/importers/cloudformation/index.js';
import { serverlessImporter } from '../../../../../src/providers/aws/importers/serverless/index.js';
import { fixtureInput } from './fixture.js';

const input = (parsed: unknown) => ({ file: 'x.yaml', text: '', parsed });

describe('cloudFormationImporter.detect', () => {
  it('recognises a template by AWSTemplateFormatVersion, the SAM transform, or AWS:: resource types', () => {
    expect(cloudFormationImporter.detect(input({ AWSTemplateFormatVersion: '2010-09-09' }))).toBe(true);
    expect(
      cloudFormationImporter.detect(input({ Transform: 'AWS::Serverless-2016-10-31', Resources: {} })),
    ).toBe(true);
    expect(
      cloudFormationImporter.detect(
        input({ Transform: ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31'] }),
      ),
    ).toBe(true);
    expect(cloudFormationImporter.detect(input({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }))).toBe(
      true,
    );
  });

  it('rejects other documents, including Alibaba ROS templates and Serverless Framework files', () => {
    expect(
      cloudFormationImporter.detect(input({ Resources: { F: { Type: 'Aliyun::Serverless::Function' } } })),
    ).toBe(false);
    expect(
      cloudFormationImporter.detect(input({ service: 's', provider: { name: 'aws' }, resources: {} })),
    ).toBe(false);
    expect(cloudFormationImporter.detect(input(['a list']))).toBe(false);
    expect(cloudFormationImporter.detect(input('text'))).toBe(false);
  });

  it('parses the text itself, short-form tags included, when the caller has no parsed value', () => {
    expect(cloudFormationImporter.detect(fixtureInput('cloudformation/intrinsics.yaml'))).toBe(true);
    expect(cloudFormationImporter.detect(fixtureInput('cloudformation/template.json'))).toBe(true);
    expect(cloudFormationImporter.detect({ file: 'bad.yaml', text: 'a: [', parsed: undefined })).toBe(false);
  });
});

describe('serverlessImporter.detect', () => {
  it('recognises serverless.yml for provider aws only', () => {
    expect(serverlessImporter.detect(input({ service: 's', provider: { name: 'aws' } }))).toBe(true);
    expect(serverlessImporter.detect(input({ service: 's', provider: 'aws' }))).toBe(true);
    expect(serverlessImporter.detect(fixtureInput('serverless/google/serverless.yml'))).toBe(false);
    expect(serverlessImporter.detect(fixtureInput('cloudformation/sam-events.yaml'))).toBe(false);
  });
});
