/**
 * The Terraform importer: `terraform show -json` output, of a plan (`planned_values`) or of a state (`values`),
 * modules included, turned into an Estate. It reads in named stages: the document, each resource's id, the managed
 * policy documents, then one handler per resource type, then destinations that need every function.
 * In a plan, attributes unknown until apply are linked through the configuration's references, or noted.
 */
import type { Estate } from '../../../../model/index.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { isRecord, type JsonRecord } from '../common/json.js';
import type { Importer, ImportInput, ImportOptions } from '../importer.js';
import { hasIdentity, TfContext } from './context.js';
import { TerraformFormatError } from './errors.js';
import {
  importBucketNotification,
  importResource,
  importResourcePolicy,
  importRule,
  importRuleTarget,
  importSubscription,
} from './eventSources.js';
import {
  importExclusiveAttachment,
  importInlinePolicy,
  importMembership,
  importPolicyAttachment,
  importPrincipal,
  indexManagedPolicy,
} from './iam.js';
import {
  importEventSourceMapping,
  importFunction,
  importFunctionUrl,
  importPermission,
  readDestinations,
} from './lambda.js';
import { readShowJson, type TfResource } from './showJson.js';
import { importStateMachine } from './stateMachine.js';

export { TerraformFormatError } from './errors.js';

type Handler = (ctx: TfContext, resource: TfResource) => void;
const NOTHING: Handler = () => undefined;

/** Which handler reads each resource type. Types not listed are counted and named in one note. */
const HANDLERS: Record<string, Handler> = {
  aws_iam_user: importPrincipal,
  aws_iam_group: importPrincipal,
  aws_iam_role: importPrincipal,
  aws_iam_policy: NOTHING, // read in the managed-policy stage
  aws_iam_role_policy: importInlinePolicy,
  aws_iam_user_policy: importInlinePolicy,
  aws_iam_group_policy: importInlinePolicy,
  aws_iam_role_policy_attachment: importPolicyAttachment,
  aws_iam_user_policy_attachment: importPolicyAttachment,
  aws_iam_group_policy_attachment: importPolicyAttachment,
  aws_iam_policy_attachment: importExclusiveAttachment,
  aws_iam_group_membership: importMembership,
  aws_iam_user_group_membership: importMembership,
  aws_lambda_function: importFunction,
  aws_lambda_permission: importPermission,
  aws_lambda_event_source_mapping: importEventSourceMapping,
  aws_lambda_function_url: importFunctionUrl,
  aws_lambda_function_event_invoke_config: NOTHING, // read in the destinations stage
  aws_sqs_queue: importResource,
  aws_sqs_queue_policy: importResourcePolicy,
  aws_sns_topic: importResource,
  aws_sns_topic_policy: importResourcePolicy,
  aws_sns_topic_subscription: importSubscription,
  aws_s3_bucket: importResource,
  aws_s3_bucket_policy: importResourcePolicy,
  aws_s3_bucket_notification: importBucketNotification,
  aws_cloudwatch_event_bus: importResource,
  aws_cloudwatch_event_rule: importRule,
  aws_cloudwatch_event_target: importRuleTarget,
  aws_dynamodb_table: importResource,
  aws_kinesis_stream: importResource,
  aws_secretsmanager_secret: importResource,
  aws_sfn_state_machine: importStateMachine,
};

function checkFormatVersion(root: JsonRecord, file: string): void {
  const version = root.format_version;
  if (typeof version !== 'string' || !/^1\./.test(version)) {
    throw new TerraformFormatError(
      file,
      'format_version',
      `unsupported version ${JSON.stringify(version)} (ares reads 1.x)`,
    );
  }
}

/** Runs one handler; a resource that breaks it is reported and the others still import. */
function guarded(ctx: TfContext, resource: TfResource, handler: Handler): void {
  try {
    handler(ctx, resource);
  } catch (error) {
    ctx.builder.error(
      `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      resource.address,
    );
  }
}

/** Destinations go on the function node, so they are read once every function is. */
function importDestinations(ctx: TfContext, resource: TfResource): void {
  const read = readDestinations(ctx, resource);
  if (!read || read.destinations.length === 0) return;
  const fn = ctx.builder.functionById(read.functionId);
  if (!fn) {
    ctx.builder.info(
      `function ${read.functionId} is not in the input; its destinations are not recorded`,
      resource.address,
    );
    return;
  }
  fn.destinations = [...new Set([...(fn.destinations ?? []), ...read.destinations])];
}

function importShowJson(input: ImportInput, options: ImportOptions): Estate {
  const root = input.parsed as JsonRecord;
  checkFormatVersion(root, input.file);
  const builder = new EstateBuilder(input.file);
  const doc = readShowJson(root, builder);
  const ctx = new TfContext(doc, builder, options);
  const managed = doc.resources.filter((r) => r.mode === 'managed');

  for (const resource of managed.filter((r) => r.type === 'aws_iam_policy'))
    guarded(ctx, resource, indexManagedPolicy);

  const skipped = new Map<string, number>();
  for (const resource of managed) {
    const handler = HANDLERS[resource.type] ?? (hasIdentity(resource.type) ? importResource : undefined);
    if (handler) guarded(ctx, resource, handler);
    else if (resource.type.startsWith('aws_'))
      skipped.set(resource.type, (skipped.get(resource.type) ?? 0) + 1);
  }

  for (const resource of managed.filter((r) => r.type === 'aws_lambda_function_event_invoke_config')) {
    guarded(ctx, resource, importDestinations);
  }

  if (skipped.size > 0) {
    const list = [...skipped].map(([type, count]) => `${type} (${count})`).join(', ');
    builder.info(`resource types not imported: ${list}`);
  }
  return builder.estate;
}

export const terraformImporter: Importer = {
  name: 'terraform',
  detect: (input: ImportInput) =>
    isRecord(input.parsed) &&
    typeof input.parsed.format_version === 'string' &&
    (isRecord(input.parsed.values) || isRecord(input.parsed.planned_values)),
  import: importShowJson,
};
