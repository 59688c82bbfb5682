/**
 * The execution roles SAM generates (`<LogicalId>Role`) for functions and state machines that name no Role,
 * and SAM `Policies`: managed policy names or ARNs, inline documents, and policy templates.
 */
import type { ImportContext } from './context.js';
import {
  addPolicyAttachment,
  attachInlinePolicy,
  attachManagedPolicy,
  awsManagedPolicyArnByName,
} from './iam.js';
import type { Path } from './path.js';
import { isRecord, isSymbolic, type TemplateResource } from './resolver.js';
import { SAM_POLICY_TEMPLATES, expandPolicyTemplate } from './samPolicyTemplates.js';
import { describe, optionalString } from './values.js';

export const GENERATED_ROLE_SUFFIX = 'Role';

/** A trust policy letting one AWS service assume the role. */
export function serviceTrustPolicy(service: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: ['sts:AssumeRole'] }],
  };
}

export interface GeneratedRole {
  id: string;
  /** The role's policies are SAM's to add (event source, destination and dead-letter policies). */
  generated: true;
}

/**
 * Adds the role SAM generates for `owner`: trust for `service` (or the owner's AssumeRolePolicyDocument),
 * the given managed policies, the owner's Policies and PermissionsBoundary.
 */
export function addGeneratedRole(
  ctx: ImportContext,
  ownerLogicalId: string,
  owner: TemplateResource,
  service: string,
  managed: readonly string[],
): GeneratedRole {
  const roleLogicalId = `${ownerLogicalId}${GENERATED_ROLE_SUFFIX}`;
  const id = ctx.resolver.arnOf(roleLogicalId) as string;
  const base = [...owner.path, 'Properties'];
  ctx.builder.addPrincipal({
    id,
    name: ctx.resolver.physicalName(roleLogicalId),
    cloud: 'aws',
    kind: 'role',
    account: ctx.scope.account,
    source: ctx.sourceAt(owner.path),
  });
  const trustPath = [...base, 'AssumeRolePolicyDocument'];
  const trust =
    ctx.resolve(owner.properties.AssumeRolePolicyDocument, trustPath) ?? serviceTrustPolicy(service);
  addPolicyAttachment(
    ctx,
    { id: `${id}#trust`, name: 'AssumeRolePolicyDocument', type: 'trust', attachedTo: id, document: trust },
    owner.path,
  );
  for (const arn of managed) attachManagedPolicy(ctx, id, arn, 'identity', owner.path);
  attachSamPolicies(ctx, id, roleLogicalId, owner.properties.Policies, [...base, 'Policies']);
  if (owner.properties.PermissionsBoundary !== undefined) {
    const boundaryPath = [...base, 'PermissionsBoundary'];
    attachManagedPolicy(
      ctx,
      id,
      ctx.resolve(owner.properties.PermissionsBoundary, boundaryPath),
      'permissions-boundary',
      boundaryPath,
    );
  }
  return { id, generated: true };
}

/** An AWS managed policy ARN from a full ARN or a short name SAM accepts. */
export function managedPolicyArn(ctx: ImportContext, text: string): string | undefined {
  if (text.startsWith('arn:')) return text;
  if (isSymbolic(text)) return undefined;
  return awsManagedPolicyArnByName(ctx, text);
}

/**
 * SAM `Policies` (a string, a document, a template, or a list of them). Each list item becomes one policy;
 * inline documents and templates are named `<Role>Policy<index>` as SAM names them.
 */
export function attachSamPolicies(
  ctx: ImportContext,
  roleId: string,
  roleLogicalId: string,
  raw: unknown,
  path: Path,
): void {
  if (raw === undefined) return;
  const resolved = ctx.resolve(raw, path);
  const items = Array.isArray(resolved) ? resolved : [resolved];
  items.forEach((item, i) => {
    const itemPath = Array.isArray(resolved) ? [...path, i] : path;
    const name = `${roleLogicalId}Policy${i}`;
    if (typeof item === 'string') {
      const arn = managedPolicyArn(ctx, item);
      if (arn) attachManagedPolicy(ctx, roleId, arn, 'identity', itemPath);
      else
        ctx.error(
          itemPath,
          `managed policy '${item}' is neither an ARN nor an AWS managed policy name ares knows`,
        );
      return;
    }
    if (!isRecord(item)) {
      if (item !== undefined) ctx.error(itemPath, `expected a policy, found ${describe(item)}`);
      return;
    }
    if ('Statement' in item) {
      attachInlinePolicy(ctx, roleId, name, item, itemPath);
      return;
    }
    const keys = Object.keys(item);
    if (keys.length !== 1) {
      ctx.error(itemPath, `expected a policy document or one policy template, found ${describe(item)}`);
      return;
    }
    attachPolicyTemplate(ctx, roleId, name, keys[0] as string, item[keys[0] as string], itemPath);
  });
}

function attachPolicyTemplate(
  ctx: ImportContext,
  roleId: string,
  name: string,
  template: string,
  parameters: unknown,
  path: Path,
): void {
  if (!SAM_POLICY_TEMPLATES[template]) {
    ctx.info(path, `SAM policy template '${template}' is not supported; its permissions are not imported`);
    return;
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(isRecord(parameters) ? parameters : {})) {
    const text = optionalString(value);
    if (text !== undefined) values[key] = text;
    else ctx.error([...path, template, key], `template parameter ${key} is not a string: ${describe(value)}`);
  }
  const expanded = expandPolicyTemplate(template, values, ctx.scope);
  if (!expanded) return;
  if (expanded.missing.length)
    ctx.error(path, `SAM policy template '${template}' needs ${expanded.missing.join(', ')}`);
  attachInlinePolicy(ctx, roleId, name, expanded.document, path);
}
