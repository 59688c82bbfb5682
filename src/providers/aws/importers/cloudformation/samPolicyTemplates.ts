/**
 * AWS SAM policy templates ares expands, as a table: template name → parameters and statements, with
 * `${Partition}`, `${Region}`, `${AccountId}` and `${<Parameter>}` placeholders. Written from the statements in
 * aws/serverless-application-model `samtranslator/policy_templates_data/policy_templates.json` (facts, not code).
 */

export interface TemplateStatement {
  actions: string[];
  resources: string[];
  condition?: Record<string, Record<string, string>>;
}

export interface PolicyTemplate {
  parameters: string[];
  statements: TemplateStatement[];
}

const arn = (service: string, rest: string): string =>
  `arn:\${Partition}:${service}:\${Region}:\${AccountId}:${rest}`;
const bucket = (rest: string): string => `arn:\${Partition}:s3:::${rest}`;
const table = (rest = ''): string => arn('dynamodb', `table/\${TableName}${rest}`);
const one = (parameters: string[], actions: string[], resources: string[]): PolicyTemplate => ({
  parameters,
  statements: [{ actions, resources }],
});
const anywhere = (actions: string[]): PolicyTemplate => one([], actions, ['*']);

const DYNAMODB_READ = [
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:DescribeTable',
];
const KINESIS_CRUD = [
  'kinesis:AddTagsToStream',
  'kinesis:CreateStream',
  'kinesis:DecreaseStreamRetentionPeriod',
  'kinesis:DeleteStream',
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetShardIterator',
  'kinesis:IncreaseStreamRetentionPeriod',
  'kinesis:ListTagsForStream',
  'kinesis:MergeShards',
  'kinesis:PutRecord',
  'kinesis:PutRecords',
  'kinesis:SplitShard',
  'kinesis:RemoveTagsFromStream',
];
const SSM_READ = (resource: string): PolicyTemplate => ({
  parameters: ['ParameterName'],
  statements: [
    { actions: ['ssm:DescribeParameters'], resources: ['*'] },
    { actions: ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'], resources: [resource] },
  ],
});
const SES_IDENTITY = arn('ses', 'identity/${IdentityName}');

export const SAM_POLICY_TEMPLATES: Record<string, PolicyTemplate> = {
  // DynamoDB
  DynamoDBCrudPolicy: one(
    ['TableName'],
    [
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:BatchGetItem',
      'dynamodb:DescribeTable',
      'dynamodb:ConditionCheckItem',
    ],
    [table(), table('/index/*')],
  ),
  DynamoDBReadPolicy: one(['TableName'], DYNAMODB_READ, [table(), table('/index/*')]),
  DynamoDBWritePolicy: one(
    ['TableName'],
    ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
    [table(), table('/index/*')],
  ),
  DynamoDBReconfigurePolicy: one(['TableName'], ['dynamodb:UpdateTable'], [table()]),
  DynamoDBStreamReadPolicy: {
    parameters: ['TableName', 'StreamName'],
    statements: [
      {
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [table('/stream/${StreamName}')],
      },
      { actions: ['dynamodb:ListStreams'], resources: [table('/stream/*')] },
    ],
  },
  DynamoDBBackupFullAccessPolicy: {
    parameters: ['TableName'],
    statements: [
      { actions: ['dynamodb:CreateBackup', 'dynamodb:DescribeContinuousBackups'], resources: [table()] },
      {
        actions: ['dynamodb:DeleteBackup', 'dynamodb:DescribeBackup', 'dynamodb:ListBackups'],
        resources: [table('/backup/*')],
      },
    ],
  },
  DynamoDBRestoreFromBackupPolicy: {
    parameters: ['TableName'],
    statements: [
      { actions: ['dynamodb:RestoreTableFromBackup'], resources: [table('/backup/*')] },
      {
        actions: [
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:BatchWriteItem',
        ],
        resources: [table()],
      },
    ],
  },
  // S3
  S3ReadPolicy: one(
    ['BucketName'],
    [
      's3:GetObject',
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetObjectVersion',
      's3:GetLifecycleConfiguration',
    ],
    [bucket('${BucketName}'), bucket('${BucketName}/*')],
  ),
  S3WritePolicy: one(
    ['BucketName'],
    ['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'],
    [bucket('${BucketName}'), bucket('${BucketName}/*')],
  ),
  S3CrudPolicy: one(
    ['BucketName'],
    [
      's3:GetObject',
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetObjectVersion',
      's3:PutObject',
      's3:PutObjectAcl',
      's3:GetLifecycleConfiguration',
      's3:PutLifecycleConfiguration',
      's3:DeleteObject',
    ],
    [bucket('${BucketName}'), bucket('${BucketName}/*')],
  ),
  S3FullAccessPolicy: {
    parameters: ['BucketName'],
    statements: [
      {
        actions: [
          's3:GetObject',
          's3:GetObjectAcl',
          's3:GetObjectVersion',
          's3:PutObject',
          's3:PutObjectAcl',
          's3:DeleteObject',
          's3:DeleteObjectTagging',
          's3:DeleteObjectVersionTagging',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        resources: [bucket('${BucketName}/*')],
      },
      {
        actions: [
          's3:ListBucket',
          's3:GetBucketLocation',
          's3:GetLifecycleConfiguration',
          's3:PutLifecycleConfiguration',
        ],
        resources: [bucket('${BucketName}')],
      },
    ],
  },
  // Messaging
  SQSSendMessagePolicy: one(['QueueName'], ['sqs:SendMessage*'], [arn('sqs', '${QueueName}')]),
  SQSPollerPolicy: one(
    ['QueueName'],
    [
      'sqs:ChangeMessageVisibility',
      'sqs:ChangeMessageVisibilityBatch',
      'sqs:DeleteMessage',
      'sqs:DeleteMessageBatch',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ],
    [arn('sqs', '${QueueName}')],
  ),
  SNSPublishMessagePolicy: one(['TopicName'], ['sns:Publish'], [arn('sns', '${TopicName}')]),
  SNSCrudPolicy: one(
    ['TopicName'],
    [
      'sns:ListSubscriptionsByTopic',
      'sns:CreateTopic',
      'sns:SetTopicAttributes',
      'sns:Subscribe',
      'sns:Publish',
    ],
    [arn('sns', '${TopicName}*')],
  ),
  EventBridgePutEventsPolicy: one(
    ['EventBusName'],
    ['events:PutEvents'],
    [arn('events', 'event-bus/${EventBusName}')],
  ),
  KinesisCrudPolicy: one(['StreamName'], KINESIS_CRUD, [arn('kinesis', 'stream/${StreamName}')]),
  KinesisStreamReadPolicy: {
    parameters: ['StreamName'],
    statements: [
      { actions: ['kinesis:ListStreams', 'kinesis:DescribeLimits'], resources: [arn('kinesis', 'stream/*')] },
      {
        actions: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
        ],
        resources: [arn('kinesis', 'stream/${StreamName}')],
      },
    ],
  },
  FirehoseWritePolicy: one(
    ['DeliveryStreamName'],
    ['firehose:PutRecord', 'firehose:PutRecordBatch'],
    [arn('firehose', 'deliverystream/${DeliveryStreamName}')],
  ),
  FirehoseCrudPolicy: one(
    ['DeliveryStreamName'],
    [
      'firehose:CreateDeliveryStream',
      'firehose:DeleteDeliveryStream',
      'firehose:DescribeDeliveryStream',
      'firehose:PutRecord',
      'firehose:PutRecordBatch',
      'firehose:UpdateDestination',
    ],
    [arn('firehose', 'deliverystream/${DeliveryStreamName}')],
  ),
  SESCrudPolicy: one(
    ['IdentityName'],
    ['ses:GetIdentityVerificationAttributes', 'ses:SendEmail', 'ses:SendRawEmail', 'ses:VerifyEmailIdentity'],
    [SES_IDENTITY],
  ),
  SESSendBouncePolicy: one(['IdentityName'], ['ses:SendBounce'], [SES_IDENTITY]),
  SESBulkTemplatedCrudPolicy: one(
    ['IdentityName'],
    [
      'ses:GetIdentityVerificationAttributes',
      'ses:SendEmail',
      'ses:SendRawEmail',
      'ses:SendTemplatedEmail',
      'ses:SendBulkTemplatedEmail',
      'ses:VerifyEmailIdentity',
    ],
    [SES_IDENTITY],
  ),
  SESEmailTemplateCrudPolicy: anywhere([
    'ses:CreateTemplate',
    'ses:GetTemplate',
    'ses:ListTemplates',
    'ses:UpdateTemplate',
    'ses:DeleteTemplate',
    'ses:TestRenderTemplate',
  ]),
  // Invoke and orchestration
  LambdaInvokePolicy: one(
    ['FunctionName'],
    ['lambda:InvokeFunction'],
    [arn('lambda', 'function:${FunctionName}*')],
  ),
  StepFunctionsExecutionPolicy: one(
    ['StateMachineName'],
    ['states:StartExecution'],
    [arn('states', 'stateMachine:${StateMachineName}')],
  ),
  StepFunctionsExecutionPolicy_v2: one(
    ['StateMachineName'],
    ['states:StartExecution', 'states:StartSyncExecution'],
    [arn('states', 'stateMachine:${StateMachineName}')],
  ),
  StepFunctionsCallbackPolicy: one(
    ['StateMachineName'],
    ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'],
    [arn('states', 'stateMachine:${StateMachineName}')],
  ),
  EcsRunTaskPolicy: one(
    ['TaskDefinition'],
    ['ecs:RunTask'],
    [arn('ecs', 'task-definition/${TaskDefinition}')],
  ),
  // Secrets, parameters, keys
  AWSSecretsManagerGetSecretValuePolicy: one(
    ['SecretArn'],
    ['secretsmanager:GetSecretValue'],
    ['${SecretArn}'],
  ),
  AWSSecretsManagerRotationPolicy: {
    parameters: ['FunctionName'],
    statements: [
      {
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [arn('secretsmanager', 'secret:*')],
        condition: {
          StringEquals: {
            'secretsmanager:resource/AllowRotationLambdaArn': arn('lambda', 'function:${FunctionName}'),
          },
        },
      },
      { actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] },
    ],
  },
  SSMParameterReadPolicy: SSM_READ(arn('ssm', 'parameter/${ParameterName}')),
  SSMParameterWithSlashPrefixReadPolicy: SSM_READ(arn('ssm', 'parameter${ParameterName}')),
  KMSDecryptPolicy: one(['KeyId'], ['kms:Decrypt'], [arn('kms', 'key/${KeyId}')]),
  KMSEncryptPolicy: one(['KeyId'], ['kms:Encrypt'], [arn('kms', 'key/${KeyId}')]),
  KMSEncryptPolicy_v2: one(
    ['KeyId'],
    [
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:GenerateDataKeyPair',
      'kms:GenerateDataKeyPairWithoutPlaintext',
    ],
    [arn('kms', 'key/${KeyId}')],
  ),
  AcmGetCertificatePolicy: one(['CertificateArn'], ['acm:GetCertificate'], ['${CertificateArn}']),
  // Logs, search, analytics
  FilterLogEventsPolicy: one(
    ['LogGroupName'],
    ['logs:FilterLogEvents'],
    [arn('logs', 'log-group:${LogGroupName}:log-stream:*')],
  ),
  ElasticsearchHttpPostPolicy: one(
    ['DomainName'],
    ['es:ESHttpPost', 'es:ESHttpPut'],
    [arn('es', 'domain/${DomainName}/*')],
  ),
  AthenaQueryPolicy: {
    parameters: ['WorkGroupName'],
    statements: [
      {
        actions: [
          'athena:ListWorkGroups',
          'athena:GetExecutionEngine',
          'athena:GetExecutionEngines',
          'athena:GetNamespace',
          'athena:GetCatalogs',
          'athena:GetNamespaces',
          'athena:GetTables',
          'athena:GetTable',
        ],
        resources: ['*'],
      },
      {
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryResults',
          'athena:DeleteNamedQuery',
          'athena:GetNamedQuery',
          'athena:ListQueryExecutions',
          'athena:StopQueryExecution',
          'athena:GetQueryResultsStream',
          'athena:ListNamedQueries',
          'athena:CreateNamedQuery',
          'athena:GetQueryExecution',
          'athena:BatchGetNamedQuery',
          'athena:BatchGetQueryExecution',
          'athena:GetWorkGroup',
        ],
        resources: [arn('athena', 'workgroup/${WorkGroupName}')],
      },
    ],
  },
  // Account-wide, parameterless
  CloudWatchPutMetricPolicy: anywhere(['cloudwatch:PutMetricData']),
  CloudWatchDescribeAlarmHistoryPolicy: anywhere(['cloudwatch:DescribeAlarmHistory']),
  CloudWatchDashboardPolicy: anywhere([
    'cloudwatch:GetDashboard',
    'cloudwatch:ListDashboards',
    'cloudwatch:PutDashboard',
    'cloudwatch:ListMetrics',
  ]),
  VPCAccessPolicy: anywhere([
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DetachNetworkInterface',
  ]),
  EC2DescribePolicy: anywhere(['ec2:DescribeRegions', 'ec2:DescribeInstances']),
  AMIDescribePolicy: anywhere(['ec2:DescribeImages']),
  CloudFormationDescribeStacksPolicy: one(
    [],
    ['cloudformation:DescribeStacks'],
    [arn('cloudformation', 'stack/*')],
  ),
  CodePipelineLambdaExecutionPolicy: anywhere([
    'codepipeline:PutJobSuccessResult',
    'codepipeline:PutJobFailureResult',
  ]),
  ComprehendBasicAccessPolicy: anywhere([
    'comprehend:BatchDetectKeyPhrases',
    'comprehend:DetectDominantLanguage',
    'comprehend:DetectEntities',
    'comprehend:BatchDetectEntities',
    'comprehend:DetectKeyPhrases',
    'comprehend:DetectSentiment',
    'comprehend:BatchDetectDominantLanguage',
    'comprehend:BatchDetectSentiment',
  ]),
  CostExplorerReadOnlyPolicy: anywhere([
    'ce:GetCostAndUsage',
    'ce:GetDimensionValues',
    'ce:GetReservationCoverage',
    'ce:GetReservationPurchaseRecommendation',
    'ce:GetReservationUtilization',
    'ce:GetTags',
  ]),
  EKSDescribePolicy: anywhere(['eks:DescribeCluster', 'eks:ListClusters']),
  OrganizationsListAccountsPolicy: anywhere(['organizations:ListAccounts']),
  MobileAnalyticsWriteOnlyAccessPolicy: anywhere(['mobileanalytics:PutEvents']),
  RekognitionDetectOnlyPolicy: anywhere([
    'rekognition:DetectFaces',
    'rekognition:DetectLabels',
    'rekognition:DetectModerationLabels',
    'rekognition:DetectText',
  ]),
  RekognitionFacesPolicy: anywhere(['rekognition:CompareFaces', 'rekognition:DetectFaces']),
  RekognitionLabelsPolicy: anywhere(['rekognition:DetectLabels', 'rekognition:DetectModerationLabels']),
  TextractPolicy: anywhere(['textract:*']),
  TextractDetectAnalyzePolicy: anywhere([
    'textract:DetectDocumentText',
    'textract:StartDocumentTextDetection',
    'textract:StartDocumentAnalysis',
    'textract:AnalyzeDocument',
  ]),
  TextractGetResultPolicy: anywhere(['textract:GetDocumentTextDetection', 'textract:GetDocumentAnalysis']),
};

export interface ExpandedTemplate {
  document: { Version: string; Statement: Record<string, unknown>[] };
  /** Parameters the template needs that were not given (left as `${Name}`). */
  missing: string[];
}

/**
 * The policy document a template grants. Parameter values are already resolved; the scope fills the pseudo
 * parameters. Returns undefined for a template ares does not know.
 */
export function expandPolicyTemplate(
  name: string,
  values: Record<string, string>,
  scope: { partition: string; region: string; account: string },
): ExpandedTemplate | undefined {
  const template = SAM_POLICY_TEMPLATES[name];
  if (!template) return undefined;
  const fill: Record<string, string> = {
    Partition: scope.partition,
    Region: scope.region,
    AccountId: scope.account,
    ...values,
  };
  const substitute = (text: string): string =>
    text.replace(/\$\{(\w+)\}/g, (whole, key: string) => fill[key] ?? whole);
  const statements = template.statements.map((statement) => ({
    Effect: 'Allow',
    Action: statement.actions,
    Resource: statement.resources.map(substitute),
    ...(statement.condition
      ? {
          Condition: Object.fromEntries(
            Object.entries(statement.condition).map(([operator, entries]) => [
              operator,
              Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, substitute(value)])),
            ]),
          ),
        }
      : {}),
  }));
  return {
    document: { Version: '2012-10-17', Statement: statements },
    missing: template.parameters.filter((parameter) => values[parameter] === undefined),
  };
}
