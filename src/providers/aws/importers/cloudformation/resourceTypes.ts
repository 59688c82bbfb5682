/**
 * What CloudFormation returns for `Ref` and `Fn::GetAtt` of each resource type ares models, and how the
 * type's physical name becomes an ARN. A table (see STYLE.md), read by the intrinsic resolver and the handlers.
 */
import { arnOf, type ArnScope } from '../../estate/index.js';

/** What a `Ref` or an attribute yields: the name, the ARN, a queue URL, a DynamoDB stream ARN, the API id. */
export type RefKind = 'name' | 'arn' | 'queue-url' | 'stream-arn' | 'logical-id';

export interface ResourceTypeInfo {
  /** Properties holding the physical name, first present wins; without one the logical id stands in. */
  nameProperties: string[];
  /** The ARN built from the physical name (props are the resolved-on-demand properties of the resource). */
  arn?: (scope: ArnScope, name: string, prop: (key: string) => unknown) => string;
  ref: RefKind;
  attributes: Record<string, RefKind>;
  /**
   * The name CloudFormation generates when no name property is set, as a pattern (`*` for the random suffix it
   * appends at deployment); for types whose id is random (API ids, KMS key ids), a stand-in that is no pattern.
   */
  generatedName?: (stack: string, logicalId: string) => string;
  /** True when the type becomes a `Resource` of the estate (something a request acts on). */
  isResource?: boolean;
}

/** `<stack>-<LogicalId>-<suffix>`, the pattern of most generated names. */
const stackName = (stack: string, logicalId: string): string => `${stack}-${logicalId}-*`;
/** Bucket names are lower case, so CloudFormation lower-cases the generated one. */
const bucketName = (stack: string, logicalId: string): string => stackName(stack, logicalId).toLowerCase();
/** Step Functions and Secrets Manager leave the stack out: `<LogicalId>-<suffix>`. */
const logicalName = (_stack: string, logicalId: string): string => `${logicalId}-*`;

/**
 * API ids and KMS key ids are random, not built from names, so no pattern describes them; `<stack>-<LogicalId>`
 * stands in, as the logical id does outside a stack, and keeps two stacks' `ServerlessRestApi` apart.
 */
const standIn = (stack: string, logicalId: string): string => `${stack}-${logicalId}`;

const iamPath = (prop: (key: string) => unknown): string => {
  const path = prop('Path');
  return typeof path === 'string' && path.startsWith('/') ? (path.endsWith('/') ? path : `${path}/`) : '/';
};

const FUNCTION: ResourceTypeInfo = {
  nameProperties: ['FunctionName'],
  generatedName: stackName,
  arn: (s, n) => arnOf.function(s, n),
  ref: 'name',
  attributes: { Arn: 'arn' },
};
const TABLE: ResourceTypeInfo = {
  nameProperties: ['TableName'],
  generatedName: stackName,
  arn: (s, n) => arnOf.table(s, n),
  ref: 'name',
  attributes: { Arn: 'arn', StreamArn: 'stream-arn' },
  isResource: true,
};
const STATE_MACHINE = (nameProperty: string): ResourceTypeInfo => ({
  nameProperties: [nameProperty],
  generatedName: logicalName,
  arn: (s, n) => arnOf.stateMachine(s, n),
  ref: 'arn',
  attributes: { Arn: 'arn', Name: 'name' },
  isResource: true,
});
const API: ResourceTypeInfo = {
  nameProperties: [],
  generatedName: standIn,
  arn: (s, n) => arnOf.api(s, n),
  ref: 'name',
  attributes: { ApiId: 'name', RestApiId: 'name' },
  isResource: true,
};

export const RESOURCE_TYPES: Record<string, ResourceTypeInfo> = {
  'AWS::Lambda::Function': FUNCTION,
  'AWS::Serverless::Function': FUNCTION,
  'AWS::IAM::Role': {
    nameProperties: ['RoleName'],
    generatedName: stackName,
    arn: (s, n, prop) => arnOf.role(s, n, iamPath(prop)),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::IAM::User': {
    nameProperties: ['UserName'],
    generatedName: stackName,
    arn: (s, n, prop) => arnOf.user(s, n, iamPath(prop)),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::IAM::Group': {
    nameProperties: ['GroupName'],
    generatedName: stackName,
    arn: (s, n, prop) => arnOf.group(s, n, iamPath(prop)),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperties: ['ManagedPolicyName'],
    generatedName: stackName,
    arn: (s, n, prop) => arnOf.managedPolicy(s, n, iamPath(prop)),
    ref: 'arn',
    attributes: { PolicyArn: 'arn' },
  },
  'AWS::DynamoDB::Table': TABLE,
  'AWS::DynamoDB::GlobalTable': TABLE,
  'AWS::Serverless::SimpleTable': TABLE,
  'AWS::S3::Bucket': {
    nameProperties: ['BucketName'],
    generatedName: bucketName,
    arn: (s, n) => arnOf.bucket(s, n),
    ref: 'name',
    attributes: { Arn: 'arn' },
    isResource: true,
  },
  'AWS::SQS::Queue': {
    nameProperties: ['QueueName'],
    generatedName: stackName,
    arn: (s, n) => arnOf.queue(s, n),
    ref: 'queue-url',
    attributes: { Arn: 'arn', QueueName: 'name', QueueUrl: 'queue-url' },
    isResource: true,
  },
  'AWS::SNS::Topic': {
    nameProperties: ['TopicName'],
    generatedName: stackName,
    arn: (s, n) => arnOf.topic(s, n),
    ref: 'arn',
    attributes: { TopicArn: 'arn', TopicName: 'name' },
    isResource: true,
  },
  'AWS::SecretsManager::Secret': {
    nameProperties: ['Name'],
    generatedName: logicalName,
    arn: (s, n) => arnOf.secret(s, n),
    ref: 'arn',
    attributes: { Id: 'arn' },
    isResource: true,
  },
  'AWS::StepFunctions::StateMachine': STATE_MACHINE('StateMachineName'),
  'AWS::Serverless::StateMachine': STATE_MACHINE('Name'),
  'AWS::Events::EventBus': {
    nameProperties: ['Name'],
    arn: (s, n) => arnOf.eventBus(s, n),
    ref: 'name',
    attributes: { Arn: 'arn', Name: 'name' },
    isResource: true,
  },
  'AWS::Events::Rule': {
    nameProperties: ['Name'],
    generatedName: stackName,
    arn: (s, n, prop) => {
      const bus = prop('EventBusName');
      return arnOf.rule(s, n, typeof bus === 'string' && !bus.startsWith('arn:') ? bus : 'default');
    },
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::Kinesis::Stream': {
    nameProperties: ['Name'],
    generatedName: stackName,
    arn: (s, n) => arnOf.stream(s, n),
    ref: 'name',
    attributes: { Arn: 'arn' },
    isResource: true,
  },
  'AWS::SSM::Parameter': {
    nameProperties: ['Name'],
    arn: (s, n) => arnOf.parameter(s, n),
    ref: 'name',
    attributes: {},
    isResource: true,
  },
  'AWS::KMS::Key': {
    nameProperties: [],
    generatedName: standIn,
    arn: (s, n) => arnOf.key(s, n),
    ref: 'name',
    attributes: { Arn: 'arn', KeyId: 'name' },
    isResource: true,
  },
  'AWS::ApiGateway::RestApi': API,
  'AWS::ApiGatewayV2::Api': API,
  'AWS::Serverless::Api': API,
  'AWS::Serverless::HttpApi': API,
};

export function resourceTypeInfo(type: string): ResourceTypeInfo | undefined {
  return RESOURCE_TYPES[type];
}
