/**
 * Trigger edges and the function resource policies that event sources need, shared by plain CloudFormation,
 * SAM events and the Serverless Framework. Which actions fire a trigger comes from TRIGGER_RULES only.
 */
import type { Trigger, TriggerKind } from '../../../../model/index.js';
import { TRIGGER_RULES, arnOf, resourceFromArn, type TriggerRuleName } from '../../estate/index.js';
import type { ImportContext } from './context.js';
import { addPolicyAttachment } from './iam.js';
import type { Path } from './path.js';
import { isSymbolic } from './resolver.js';

/** Rules whose source is a resource a requester writes to (so the source becomes a Resource of the estate). */
const RESOURCE_SOURCES = new Set<TriggerRuleName>([
  'sqs',
  'sns',
  's3-created',
  's3-removed',
  's3-any',
  'dynamodb-stream',
  'kinesis',
  'eventbridge',
]);

export function addTrigger(
  ctx: ImportContext,
  rule: TriggerRuleName,
  source: string,
  target: string,
  path: Path,
  firedBy: readonly string[] = TRIGGER_RULES[rule].firedBy,
  filter: Pick<Trigger, 'eventPattern' | 'filters'> = {},
): void {
  ctx.builder.addTrigger({
    cloud: 'aws',
    kind: TRIGGER_RULES[rule].kind,
    source,
    target,
    firedBy: [...firedBy],
    ...filter,
    location: ctx.sourceAt(path),
  });
  if (RESOURCE_SOURCES.has(rule) && source.startsWith('arn:') && !isSymbolic(source)) {
    ctx.builder.addResource({ ...resourceFromArn(source), source: ctx.sourceAt(path) }, false);
  }
}

/**
 * An HTTP entry point without IAM auth: no IAM action fires it. `isPublic` when no authorizer guards it either
 * (authorization NONE), so that the requester `anonymous` starts the function; an authorizer IAM does not see
 * (Cognito, JWT, a Lambda authorizer) is not anonymous.
 */
export function addUnauthenticatedHttpTrigger(
  ctx: ImportContext,
  source: string,
  target: string,
  path: Path,
  isPublic = false,
): void {
  const kind: TriggerKind = TRIGGER_RULES['api-iam'].kind;
  ctx.builder.addTrigger({
    cloud: 'aws',
    kind,
    source,
    target,
    firedBy: [],
    ...(isPublic ? { public: true } : {}),
    location: ctx.sourceAt(path),
  });
}

/** S3 notification event names → the trigger rule; names of other event families are returned as unmodelled. */
export function s3RuleFor(events: readonly string[]): { rule?: TriggerRuleName; unmodelled: string[] } {
  const created = events.some((e) => /^s3:ObjectCreated:/.test(e));
  const removed = events.some((e) => /^s3:ObjectRemoved:/.test(e));
  const unmodelled = events.filter((e) => !/^s3:Object(Created|Removed):/.test(e));
  const rule = created && removed ? 's3-any' : created ? 's3-created' : removed ? 's3-removed' : undefined;
  return { ...(rule ? { rule } : {}), unmodelled };
}

/** Adds the S3 trigger for the given events, reporting event types ares does not model. */
export function addS3Trigger(
  ctx: ImportContext,
  bucketArn: string,
  events: readonly string[],
  target: string,
  path: Path,
): void {
  const { rule, unmodelled } = s3RuleFor(events);
  if (rule) addTrigger(ctx, rule, bucketArn, target, path);
  if (unmodelled.length)
    ctx.info(path, `S3 event types ${unmodelled.join(', ')} are not modelled as triggers`);
}

/** `arn:...:execute-api:region:account:apiId/*\/METHOD/path`; ANY → `*`, path parameters → `*`. */
export function executeApiSource(ctx: ImportContext, apiId: string, method: string, path: string): string {
  const verb = method.toUpperCase() === 'ANY' || method === '*' ? '*' : method.toUpperCase();
  const resourcePath = path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? '*' : segment))
    .join('/');
  return `${arnOf.api(ctx.scope, apiId)}/*/${verb}/${resourcePath}`;
}

/** `arn:...:execute-api:region:account:apiId/*\/routeKey` for routes without a method (`$default`, WebSocket). */
export function executeApiRouteSource(ctx: ImportContext, apiId: string, routeKey: string): string {
  return `${arnOf.api(ctx.scope, apiId)}/*/${routeKey}`;
}

export interface InvokePermission {
  functionId: string;
  /** The resource the statement names (the function ARN, or a qualified ARN). */
  resource?: string;
  /** Distinguishes several permissions on one function: `<function>#permission/<key>`. */
  key: string;
  principal: string;
  action?: string;
  sourceArn?: string;
  sourceAccount?: string;
  principalOrgId?: string;
  functionUrlAuthType?: string;
  eventSourceToken?: string;
}

/** The Principal element for a Lambda permission's principal (service, account, ARN or `*`). */
function principalElement(ctx: ImportContext, principal: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${ctx.scope.partition}:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal) || principal.includes('.'))
    return { Service: principal };
  return { AWS: principal };
}

/** A function resource policy statement, as `AWS::Lambda::Permission` (or SAM on its behalf) creates it. */
export function addInvokePermission(ctx: ImportContext, permission: InvokePermission, path: Path): void {
  const condition: Record<string, Record<string, string>> = {};
  const put = (operator: string, key: string, value: string | undefined): void => {
    if (value !== undefined) condition[operator] = { ...condition[operator], [key]: value };
  };
  put('ArnLike', 'aws:SourceArn', permission.sourceArn);
  put('StringEquals', 'aws:SourceAccount', permission.sourceAccount);
  put('StringEquals', 'aws:PrincipalOrgID', permission.principalOrgId);
  put('StringEquals', 'lambda:FunctionUrlAuthType', permission.functionUrlAuthType);
  put('StringEquals', 'lambda:EventSourceToken', permission.eventSourceToken);
  const statement = {
    Sid: permission.key,
    Effect: 'Allow',
    Principal: principalElement(ctx, permission.principal),
    Action: permission.action ?? 'lambda:InvokeFunction',
    Resource: permission.resource ?? permission.functionId,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
  addPolicyAttachment(
    ctx,
    {
      id: `${permission.functionId}#permission/${permission.key}`,
      name: permission.key,
      type: 'resource',
      attachedTo: permission.functionId,
      document: { Version: '2012-10-17', Statement: [statement] },
    },
    path,
  );
}
