/** Resource policies declared beside their resources: queue, topic, bucket, secret and key policies. */
import type { ImportContext } from './context.js';
import { addPolicyAttachment } from './iam.js';
import type { Path } from './path.js';
import type { TemplateResource } from './resolver.js';
import { asList, bucketArnOf, describe, optionalString, queueArnOf, topicArnOf } from './values.js';
import { importDataResource } from './eventSources.js';

interface ResourcePolicyShape {
  /** The property holding the document. */
  document: string;
  /** The property (or properties) naming the resources it applies to. */
  targets: string[];
  /** The resource id from what the template gives (URL, name or ARN). */
  toId: (ctx: ImportContext, text: string) => string;
}

const SHAPES: Record<string, ResourcePolicyShape> = {
  'AWS::SQS::QueuePolicy': { document: 'PolicyDocument', targets: ['Queues'], toId: queueArnOf },
  'AWS::SQS::QueueInlinePolicy': { document: 'PolicyDocument', targets: ['Queue'], toId: queueArnOf },
  'AWS::SNS::TopicPolicy': { document: 'PolicyDocument', targets: ['Topics'], toId: topicArnOf },
  'AWS::SNS::TopicInlinePolicy': { document: 'PolicyDocument', targets: ['TopicArn'], toId: topicArnOf },
  'AWS::S3::BucketPolicy': { document: 'PolicyDocument', targets: ['Bucket'], toId: bucketArnOf },
  'AWS::SecretsManager::ResourcePolicy': {
    document: 'ResourcePolicy',
    targets: ['SecretId'],
    toId: (_ctx, text) => text,
  },
};

export const RESOURCE_POLICY_TYPES = Object.keys(SHAPES);

function attachResourcePolicy(
  ctx: ImportContext,
  resourceId: string,
  name: string,
  document: unknown,
  path: Path,
): void {
  addPolicyAttachment(
    ctx,
    { id: `${resourceId}#policy/${name}`, name, type: 'resource', attachedTo: resourceId, document },
    path,
  );
}

export function importResourcePolicy(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): void {
  const shape = SHAPES[resource.type];
  if (!shape) return;
  const base = [...resource.path, 'Properties'];
  const document = ctx.resolve(resource.properties[shape.document], [...base, shape.document]);
  if (document === undefined) {
    ctx.error([...base, shape.document], `resource policy has no ${shape.document}`);
    return;
  }
  for (const key of shape.targets) {
    asList(ctx.resolve(resource.properties[key], [...base, key])).forEach((target, i) => {
      const text = optionalString(target);
      if (text) attachResourcePolicy(ctx, shape.toId(ctx, text), logicalId, document, resource.path);
      else ctx.error([...base, key, i], `expected a resource name, URL or ARN, found ${describe(target)}`);
    });
  }
}

/** A KMS key and its key policy (a resource policy). */
export function importKey(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const keyArn = importDataResource(ctx, logicalId, resource) as string;
  const path = [...resource.path, 'Properties', 'KeyPolicy'];
  const document = ctx.resolve(resource.properties.KeyPolicy, path);
  if (document !== undefined) attachResourcePolicy(ctx, keyArn, 'KeyPolicy', document, path);
}
