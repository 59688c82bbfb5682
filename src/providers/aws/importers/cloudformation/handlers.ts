/**
 * Which handler imports which resource type: a table (see STYLE.md). Types not listed are still resolvable
 * by Ref/GetAtt but add nothing to the estate.
 */
import { importApi, importHttpRoute, importRestMethod, importSamApi } from './apiGateway.js';
import { importIdentityPoolRoleAttachment } from './cognito.js';
import type { ImportContext } from './context.js';
import { UnreadableProperty } from './errors.js';
import {
  importBucket,
  importDataResource,
  importRule,
  importSubscription,
  importTopic,
} from './eventSources.js';
import {
  importGroup,
  importInlinePolicyResource,
  importManagedPolicyResource,
  importPrincipalPolicyResource,
  importRole,
  importUser,
  importUserToGroupAddition,
} from './iam.js';
import {
  importEventInvokeConfig,
  importEventSourceMapping,
  importFunctionUrl,
  importLambdaFunction,
  importPermission,
} from './lambda.js';
import type { TemplateResource } from './resolver.js';
import { RESOURCE_POLICY_TYPES, importKey, importResourcePolicy } from './resourcePolicies.js';
import { importSamFunction } from './sam.js';
import { importStateMachine } from './stepFunctions.js';

export type ResourceHandler = (ctx: ImportContext, logicalId: string, resource: TemplateResource) => void;

const dataResource: ResourceHandler = (ctx, logicalId, resource) => {
  importDataResource(ctx, logicalId, resource);
};

export const RESOURCE_HANDLERS: Record<string, ResourceHandler> = {
  'AWS::IAM::Role': importRole,
  'AWS::IAM::User': importUser,
  'AWS::IAM::Group': importGroup,
  'AWS::IAM::Policy': importInlinePolicyResource,
  'AWS::IAM::ManagedPolicy': importManagedPolicyResource,
  'AWS::IAM::RolePolicy': importPrincipalPolicyResource,
  'AWS::IAM::UserPolicy': importPrincipalPolicyResource,
  'AWS::IAM::GroupPolicy': importPrincipalPolicyResource,
  'AWS::IAM::UserToGroupAddition': importUserToGroupAddition,
  'AWS::Cognito::IdentityPoolRoleAttachment': importIdentityPoolRoleAttachment,
  'AWS::Lambda::Function': importLambdaFunction,
  'AWS::Serverless::Function': importSamFunction,
  'AWS::Lambda::Permission': importPermission,
  'AWS::Lambda::Url': importFunctionUrl,
  'AWS::Lambda::EventSourceMapping': importEventSourceMapping,
  'AWS::Lambda::EventInvokeConfig': importEventInvokeConfig,
  'AWS::S3::Bucket': importBucket,
  'AWS::SNS::Topic': importTopic,
  'AWS::SNS::Subscription': importSubscription,
  'AWS::Events::Rule': importRule,
  'AWS::KMS::Key': importKey,
  'AWS::StepFunctions::StateMachine': importStateMachine,
  'AWS::Serverless::StateMachine': importStateMachine,
  'AWS::ApiGateway::RestApi': importApi,
  'AWS::ApiGatewayV2::Api': importApi,
  'AWS::ApiGateway::Method': importRestMethod,
  'AWS::ApiGatewayV2::Route': importHttpRoute,
  'AWS::Serverless::Api': importSamApi,
  'AWS::Serverless::HttpApi': importSamApi,
  'AWS::DynamoDB::Table': dataResource,
  'AWS::DynamoDB::GlobalTable': dataResource,
  'AWS::Serverless::SimpleTable': dataResource,
  'AWS::SQS::Queue': dataResource,
  'AWS::SecretsManager::Secret': dataResource,
  'AWS::Events::EventBus': dataResource,
  'AWS::Kinesis::Stream': dataResource,
  'AWS::SSM::Parameter': dataResource,
  ...Object.fromEntries(RESOURCE_POLICY_TYPES.map((type) => [type, importResourcePolicy])),
};

/** Runs each resource's handler; a resource that cannot be read is reported and the others still import. */
export function importResources(ctx: ImportContext): void {
  for (const [logicalId, resource] of ctx.resources) {
    const handler = RESOURCE_HANDLERS[resource.type];
    if (!handler || resource.generated || !ctx.isEnabled(resource)) continue;
    try {
      handler(ctx, logicalId, resource);
    } catch (error) {
      if (error instanceof UnreadableProperty) ctx.error(error.path, error.problem);
      else
        ctx.error(
          resource.path,
          `${resource.type} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  }
}
