/**
 * Terraform IAM resources: users, groups and roles become Principals; `aws_iam_policy` documents are indexed by ARN
 * for the attachments that name them; inline policies, attachments, boundaries, trust policies and group memberships
 * become PolicyAttachments and GroupMemberships. A state lists a role's attachments on the role too; the builder
 * keeps each once.
 */
import type { Principal, PrincipalKind } from '../../../../model/index.js';
import { managedPolicyDocument, policyNameFromArn } from '../common/awsLinks.js';
import { arrayField, isRecord } from '../common/json.js';
import { stringValue, type LinkSpec, type TfContext } from './context.js';
import type { TfResource } from './showJson.js';

const PRINCIPAL_KINDS: Record<string, PrincipalKind> = {
  aws_iam_user: 'user',
  aws_iam_group: 'group',
  aws_iam_role: 'role',
};

const roleLink = (ctx: TfContext, what = 'role'): LinkSpec => ({
  what,
  types: ['aws_iam_role'],
  read: ctx.readRole,
});
const userLink = (ctx: TfContext, what = 'user'): LinkSpec => ({
  what,
  types: ['aws_iam_user'],
  read: ctx.readUser,
});
const groupLink = (ctx: TfContext, what = 'group'): LinkSpec => ({
  what,
  types: ['aws_iam_group'],
  read: ctx.readGroup,
});
const policyLink = (ctx: TfContext, what = 'policy_arn'): LinkSpec => ({
  what,
  types: ['aws_iam_policy'],
  read: ctx.readArn,
});

/** Pass 1: the documents of the input's managed policies, for attachments anywhere in the input. */
export function indexManagedPolicy(ctx: TfContext, resource: TfResource): void {
  const identity = ctx.identity(resource);
  if (!identity) return;
  const document = ctx.document(resource, ['policy']);
  if (document === undefined) ctx.policiesWithoutDocument.add(identity.id);
  else ctx.policyDocuments.set(identity.id, document);
}

/** An identity-based or boundary attachment of a managed policy by ARN. */
function attachManaged(
  ctx: TfContext,
  resource: TfResource,
  arn: string,
  type: 'identity' | 'permissions-boundary',
  attachedTo: string,
  path: string,
): void {
  if (ctx.policiesWithoutDocument.has(arn)) {
    ctx.builder.info(
      `${arn} is not attached to ${attachedTo}: its document is unknown until apply or unreadable (see its aws_iam_policy)`,
      resource.address,
    );
    return;
  }
  const document = managedPolicyDocument(arn, ctx.policyDocuments);
  if (document === undefined) {
    ctx.builder.info(
      `${arn} is neither in the input nor a known AWS managed policy; not attached to ${attachedTo}`,
      resource.address,
    );
    return;
  }
  const local = ctx.resourceById(arn);
  const name = (local && ctx.identity(local)?.name) ?? policyNameFromArn(arn);
  ctx.builder.addPolicy({ id: arn, name, type, attachedTo, document, source: ctx.builder.at(path) });
}

function addInline(
  ctx: TfContext,
  resource: TfResource,
  owner: string,
  name: string,
  document: unknown,
  path: string,
): void {
  ctx.builder.addPolicy({
    id: `${owner}#inline/${name}`,
    name,
    type: 'identity',
    attachedTo: owner,
    document,
    source: ctx.builder.at(path),
  });
}

/** aws_iam_user, aws_iam_group, aws_iam_role. */
export function importPrincipal(ctx: TfContext, resource: TfResource): void {
  const identity = ctx.identity(resource);
  const kind = PRINCIPAL_KINDS[resource.type];
  if (!identity || !kind) return;
  const { id } = identity;
  const principal: Principal = {
    id,
    name: identity.name,
    cloud: 'aws',
    kind,
    source: ctx.builder.at(resource.address),
  };
  const account = id.split(':')[4];
  if (account) principal.account = account;
  ctx.builder.addPrincipal(principal);

  const boundary = ctx.link(
    resource,
    ['permissions_boundary'],
    policyLink(ctx, 'permissions_boundary'),
    false,
  );
  if (boundary)
    attachManaged(
      ctx,
      resource,
      boundary,
      'permissions-boundary',
      id,
      `${resource.address}.permissions_boundary`,
    );
  if (kind !== 'role') return;

  const trust = ctx.document(resource, ['assume_role_policy']);
  if (trust !== undefined) {
    ctx.builder.addPolicy({
      id: `${id}#trust`,
      name: 'assume_role_policy',
      type: 'trust',
      attachedTo: id,
      document: trust,
      source: ctx.builder.at(`${resource.address}.assume_role_policy`),
    });
  }
  arrayField(resource.values, 'inline_policy').forEach((block, i) => {
    if (!isRecord(block)) return;
    const name = stringValue(block, 'name');
    // The provider keeps an empty block when the role has no inline policy.
    if (!name && !stringValue(block, 'policy')) return;
    const path = `${resource.address}.inline_policy[${i}]`;
    if (!name) {
      ctx.builder.info('inline policy name is unknown until apply; policy not imported', path);
      return;
    }
    const configIndex = inlineConfigIndex(ctx, resource, name) ?? i;
    const document = ctx.document(resource, ['inline_policy', i, 'policy'], true, [
      'inline_policy',
      configIndex,
      'policy',
    ]);
    if (document !== undefined) addInline(ctx, resource, id, name, document, path);
  });
  for (const arn of ctx.linkAll(resource, ['managed_policy_arns'], policyLink(ctx, 'managed_policy_arns'))) {
    attachManaged(ctx, resource, arn, 'identity', id, `${resource.address}.managed_policy_arns`);
  }
}

/** inline_policy is a set: the planned order need not be the configured order, so match the block by name. */
function inlineConfigIndex(ctx: TfContext, resource: TfResource, name: string): number | undefined {
  const blocks = ctx.resolver.expressionAt(resource, ['inline_policy']);
  if (!Array.isArray(blocks)) return undefined;
  const index = blocks.findIndex((b) => isRecord(b) && isRecord(b.name) && b.name.constant_value === name);
  return index >= 0 ? index : undefined;
}

const INLINE_OWNERS: Record<string, { key: string; link: (ctx: TfContext) => LinkSpec }> = {
  aws_iam_role_policy: { key: 'role', link: (ctx) => roleLink(ctx) },
  aws_iam_user_policy: { key: 'user', link: (ctx) => userLink(ctx) },
  aws_iam_group_policy: { key: 'group', link: (ctx) => groupLink(ctx) },
};

/** aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy. */
export function importInlinePolicy(ctx: TfContext, resource: TfResource): void {
  const owner = INLINE_OWNERS[resource.type];
  if (!owner) return;
  const ownerId = ctx.link(resource, [owner.key], owner.link(ctx));
  const name = stringValue(resource.values, 'name');
  if (!name) ctx.builder.info('policy name is unknown until apply; policy not imported', resource.address);
  const document = ctx.document(resource, ['policy']);
  if (ownerId && name && document !== undefined)
    addInline(ctx, resource, ownerId, name, document, resource.address);
}

const ATTACHMENT_OWNERS: Record<string, { key: string; link: (ctx: TfContext) => LinkSpec }> = {
  aws_iam_role_policy_attachment: { key: 'role', link: (ctx) => roleLink(ctx) },
  aws_iam_user_policy_attachment: { key: 'user', link: (ctx) => userLink(ctx) },
  aws_iam_group_policy_attachment: { key: 'group', link: (ctx) => groupLink(ctx) },
};

/** aws_iam_role_policy_attachment, aws_iam_user_policy_attachment, aws_iam_group_policy_attachment. */
export function importPolicyAttachment(ctx: TfContext, resource: TfResource): void {
  const owner = ATTACHMENT_OWNERS[resource.type];
  if (!owner) return;
  const ownerId = ctx.link(resource, [owner.key], owner.link(ctx));
  const arn = ctx.link(resource, ['policy_arn'], policyLink(ctx));
  if (ownerId && arn) attachManaged(ctx, resource, arn, 'identity', ownerId, resource.address);
}

/** aws_iam_policy_attachment: one policy, exclusively attached to lists of users, roles and groups. */
export function importExclusiveAttachment(ctx: TfContext, resource: TfResource): void {
  const arn = ctx.link(resource, ['policy_arn'], policyLink(ctx));
  if (!arn) return;
  const owners = [
    ...ctx.linkAll(resource, ['users'], userLink(ctx, 'users')),
    ...ctx.linkAll(resource, ['roles'], roleLink(ctx, 'roles')),
    ...ctx.linkAll(resource, ['groups'], groupLink(ctx, 'groups')),
  ];
  for (const owner of owners) attachManaged(ctx, resource, arn, 'identity', owner, resource.address);
}

/** aws_iam_group_membership (one group, many users) and aws_iam_user_group_membership (one user, many groups). */
export function importMembership(ctx: TfContext, resource: TfResource): void {
  if (resource.type === 'aws_iam_group_membership') {
    const group = ctx.link(resource, ['group'], groupLink(ctx));
    if (!group) return;
    for (const user of ctx.linkAll(resource, ['users'], userLink(ctx, 'users'), true)) {
      ctx.builder.addMembership({ user, group });
    }
  } else {
    const user = ctx.link(resource, ['user'], userLink(ctx));
    if (!user) return;
    for (const group of ctx.linkAll(resource, ['groups'], groupLink(ctx, 'groups'), true)) {
      ctx.builder.addMembership({ user, group });
    }
  }
}
