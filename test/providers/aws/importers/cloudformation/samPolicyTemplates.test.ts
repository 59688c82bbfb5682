import { describe, expect, it } from 'vitest';
import {
  SAM_POLICY_TEMPLATES,
  expandPolicyTemplate,
} from '../../../../../src/providers/aws/importers/cloudformation/index.js';

const scope = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };

describe('SAM policy templates', () => {
  it('covers the templates that grant data access, messaging or invoke rights', () => {
    const required = [
      'DynamoDBCrudPolicy',
      'DynamoDBReadPolicy',
      'DynamoDBWritePolicy',
      'DynamoDBStreamReadPolicy',
      'S3CrudPolicy',
      'S3ReadPolicy',
      'S3WritePolicy',
      'S3FullAccessPolicy',
      'SQSSendMessagePolicy',
      'SQSPollerPolicy',
      'SNSPublishMessagePolicy',
      'SNSCrudPolicy',
      'LambdaInvokePolicy',
      'StepFunctionsExecutionPolicy',
      'AWSSecretsManagerGetSecretValuePolicy',
      'AWSSecretsManagerRotationPolicy',
      'SSMParameterReadPolicy',
      'SSMParameterWithSlashPrefixReadPolicy',
      'KMSDecryptPolicy',
      'KMSEncryptPolicy',
      'KinesisCrudPolicy',
      'KinesisStreamReadPolicy',
      'EventBridgePutEventsPolicy',
    ];
    expect(required.filter((name) => !SAM_POLICY_TEMPLATES[name])).toEqual([]);
  });

  it('fills parameters and pseudo parameters into each statement', () => {
    expect(
      expandPolicyTemplate('DynamoDBStreamReadPolicy', { TableName: 't', StreamName: 's' }, scope),
    ).toEqual({
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            Resource: ['arn:aws:dynamodb:eu-west-1:111122223333:table/t/stream/s'],
          },
          {
            Effect: 'Allow',
            Action: ['dynamodb:ListStreams'],
            Resource: ['arn:aws:dynamodb:eu-west-1:111122223333:table/t/stream/*'],
          },
        ],
      },
      missing: [],
    });
  });

  it('substitutes inside conditions too, and keeps ARN parameters as given', () => {
    const rotation = expandPolicyTemplate(
      'AWSSecretsManagerRotationPolicy',
      { FunctionName: 'rotate' },
      scope,
    )!;
    expect(rotation.document.Statement[0]!.Condition).toEqual({
      StringEquals: {
        'secretsmanager:resource/AllowRotationLambdaArn':
          'arn:aws:lambda:eu-west-1:111122223333:function:rotate',
      },
    });
    const secret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf';
    expect(
      expandPolicyTemplate('AWSSecretsManagerGetSecretValuePolicy', { SecretArn: secret }, scope)!.document
        .Statement[0]!.Resource,
    ).toEqual([secret]);
    expect(
      expandPolicyTemplate('SSMParameterWithSlashPrefixReadPolicy', { ParameterName: '/app/key' }, scope)!
        .document.Statement[1]!.Resource,
    ).toEqual(['arn:aws:ssm:eu-west-1:111122223333:parameter/app/key']);
  });

  it('names missing parameters and leaves them as placeholders; unknown templates give undefined', () => {
    const expanded = expandPolicyTemplate('SQSSendMessagePolicy', {}, scope)!;
    expect(expanded.missing).toEqual(['QueueName']);
    expect(expanded.document.Statement[0]!.Resource).toEqual([
      'arn:aws:sqs:eu-west-1:111122223333:${QueueName}',
    ]);
    expect(expandPolicyTemplate('NotATemplate', {}, scope)).toBeUndefined();
  });
});
