/**
 * IAM resources: users, groups and roles become Principals; their inline, managed, boundary and trust
 * policies become PolicyAttachments; group additions become memberships.
 */
import type { PolicyType } from '../../../../model/index.js';
import { awsManagedPolicyDocument, isAwsManagedPolicyArn } from '../../catalog/index.js';
import type { ImportContext } from './context.js';
import type { Path } from './path.js';
import { isRecord, isSymbolic, type TemplateResource } from './resolver.js';
import { settleUnresolvedInPolicy } from './unresolvedInPolicy.js';
import {
  asList,
  describe,
  groupArnOf,
  optionalString,
  requireString,
  roleArnOf,
  userArnOf,
} from './values.js';

type PrincipalType = 'AWS::IAM::Role' | 'AWS::IAM::User' | 'AWS::IAM::Group';
const KIND: Record<PrincipalType, 'role' | 'user' | 'group'> = {
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
  'AWS::IAM::Group': 'group',
};

const lastSegment = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

export function addPolicyAttachment(
  ctx: ImportContext,
  attachment: { id: string; name: string; type: PolicyType; attachedTo: string; document: unknown },
  path: Path,
): void {
  // Unresolved values are literal text in the policy, never IAM policy variables (see unresolvedInPolicy.ts).
  const document = settleUnresolvedInPolicy(attachment.document);
  ctx.builder.addPolicy({ ...attachment, document, source: ctx.sourceAt(path) });
}

/** An inline identity policy: id `<principal>#inline/<name>`. */
export function attachInlinePolicy(
  ctx: ImportContext,
  principalId: string,
  name: string,
  document: unknown,
  path: Path,
): void {
  addPolicyAttachment(
    ctx,
    { id: `${principalId}#inline/${name}`, name, type: 'identity', attachedTo: principalId, document },
    path,
  );
}

/**
 * A managed policy by ARN: AWS managed ones from the catalogue, customer managed ones from the template.
 * Unknown documents are reported, not guessed.
 */
export function attachManagedPolicy(
  ctx: ImportContext,
  principalId: string,
  value: unknown,
  type: 'identity' | 'permissions-boundary',
  path: Path,
): void {
  const arn = optionalString(value);
  if (!arn || isSymbolic(arn) || !arn.startsWith('arn:')) {
    ctx.error(
      path,
      `managed policy ${describe(value)} cannot be resolved to an ARN; its permissions are not imported`,
    );
    return;
  }
  if (isAwsManagedPolicyArn(arn)) {
    const document = awsManagedPolicyDocument(arn);
    if (document === undefined) {
      ctx.info(
        path,
        `AWS managed policy ${arn} is not in ares's catalogue; its permissions are not imported`,
      );
      return;
    }
    addPolicyAttachment(
      ctx,
      { id: arn, name: lastSegment(arn), type, attachedTo: principalId, document },
      path,
    );
    return;
  }
  const declared = ctx.managedPolicy(arn);
  if (!declared) {
    ctx.info(path, `managed policy ${arn} is not declared in this template; its document is unknown`);
    return;
  }
  addPolicyAttachment(
    ctx,
    { id: arn, name: declared.name, type, attachedTo: principalId, document: declared.document },
    path,
  );
}

/** Short AWS managed policy names as SAM accepts them (`AmazonS3ReadOnlyAccess`) → the ARN, when ares knows it. */
export function awsManagedPolicyArnByName(ctx: ImportContext, name: string): string | undefined {
  for (const prefix of ['', 'service-role/', 'job-function/', 'aws-service-role/']) {
    const arn = `arn:${ctx.scope.partition}:iam::aws:policy/${prefix}${name}`;
    if (awsManagedPolicyDocument(arn) !== undefined) return arn;
  }
  return undefined;
}

/** `Policies: [{PolicyName, PolicyDocument}]` of a role, user or group. */
function attachInlinePolicies(ctx: ImportContext, principalId: string, resource: TemplateResource): void {
  const path = [...resource.path, 'Properties', 'Policies'];
  asList(ctx.resolve(resource.properties.Policies, path)).forEach((policy, i) => {
    const itemPath = [...path, i];
    if (!isRecord(policy)) {
      ctx.error(itemPath, `expected {PolicyName, PolicyDocument}, found ${describe(policy)}`);
      return;
    }
    const name = optionalString(policy.PolicyName) ?? `Policy${i}`;
    if (policy.PolicyDocument === undefined) {
      ctx.error(itemPath, `policy '${name}' has no PolicyDocument`);
      return;
    }
    attachInlinePolicy(ctx, principalId, name, policy.PolicyDocument, itemPath);
  });
}

function attachManagedPolicies(ctx: ImportContext, principalId: string, resource: TemplateResource): void {
  const path = [...resource.path, 'Properties', 'ManagedPolicyArns'];
  asList(ctx.resolve(resource.properties.ManagedPolicyArns, path)).forEach((arn, i) =>
    attachManagedPolicy(ctx, principalId, arn, 'identity', [...path, i]),
  );
  if (resource.properties.PermissionsBoundary !== undefined) {
    const boundaryPath = [...resource.path, 'Properties', 'PermissionsBoundary'];
    const boundary = ctx.resolve(resource.properties.PermissionsBoundary, boundaryPath);
    if (boundary !== undefined)
      attachManagedPolicy(ctx, principalId, boundary, 'permissions-boundary', boundaryPath);
  }
}

function addPrincipal(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
  type: PrincipalType,
): string {
  const id = ctx.resolver.arnOf(logicalId) as string;
  ctx.builder.addPrincipal({
    id,
    name: ctx.resolver.physicalName(logicalId),
    cloud: 'aws',
    kind: KIND[type],
    account: ctx.scope.account,
    source: ctx.sourceAt(resource.path),
  });
  return id;
}

export function importRole(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const id = addPrincipal(ctx, logicalId, resource, 'AWS::IAM::Role');
  const trustPath = [...resource.path, 'Properties', 'AssumeRolePolicyDocument'];
  const trust = ctx.resolve(resource.properties.AssumeRolePolicyDocument, trustPath);
  if (trust === undefined) ctx.error(trustPath, 'role has no AssumeRolePolicyDocument');
  else
    addPolicyAttachment(
      ctx,
      { id: `${id}#trust`, name: 'AssumeRolePolicyDocument', type: 'trust', attachedTo: id, document: trust },
      trustPath,
    );
  attachInlinePolicies(ctx, id, resource);
  attachManagedPolicies(ctx, id, resource);
}

export function importUser(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const id = addPrincipal(ctx, logicalId, resource, 'AWS::IAM::User');
  attachInlinePolicies(ctx, id, resource);
  attachManagedPolicies(ctx, id, resource);
  const groupsPath = [...resource.path, 'Properties', 'Groups'];
  for (const group of asList(ctx.resolve(resource.properties.Groups, groupsPath))) {
    const name = optionalString(group);
    if (name) ctx.builder.addMembership({ user: id, group: groupArnOf(ctx, name) });
    else ctx.error(groupsPath, `group ${describe(group)} is not a name`);
  }
}

export function importGroup(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  const id = addPrincipal(ctx, logicalId, resource, 'AWS::IAM::Group');
  attachInlinePolicies(ctx, id, resource);
  attachManagedPolicies(ctx, id, resource);
}

/** The principals an `AWS::IAM::Policy` or `ManagedPolicy` names in Roles, Users and Groups. */
function attachedPrincipals(ctx: ImportContext, resource: TemplateResource): { id: string; path: Path }[] {
  const out: { id: string; path: Path }[] = [];
  const lists: [string, (ctx: ImportContext, name: string) => string][] = [
    ['Roles', roleArnOf],
    ['Users', userArnOf],
    ['Groups', groupArnOf],
  ];
  for (const [key, toId] of lists) {
    const path = [...resource.path, 'Properties', key];
    asList(ctx.resolve(resource.properties[key], path)).forEach((name, i) => {
      const text = optionalString(name);
      if (text) out.push({ id: toId(ctx, text), path: [...path, i] });
      else ctx.error([...path, i], `expected a name, found ${describe(name)}`);
    });
  }
  return out;
}

/** `AWS::IAM::Policy`: an inline policy on each principal it names. */
/** PolicyName (the logical id when absent) and PolicyDocument of an inline-policy resource; an error when no document. */
function readInlinePolicy(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): { name: string; document: unknown } | undefined {
  const base = [...resource.path, 'Properties'];
  const name =
    optionalString(ctx.resolve(resource.properties.PolicyName, [...base, 'PolicyName'])) ?? logicalId;
  const document = ctx.resolve(resource.properties.PolicyDocument, [...base, 'PolicyDocument']);
  if (document === undefined) {
    ctx.error([...base, 'PolicyDocument'], 'policy has no PolicyDocument');
    return undefined;
  }
  return { name, document };
}

export function importInlinePolicyResource(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): void {
  const policy = readInlinePolicy(ctx, logicalId, resource);
  if (!policy) return;
  const { name, document } = policy;
  for (const principal of attachedPrincipals(ctx, resource)) {
    attachInlinePolicy(ctx, principal.id, name, document, resource.path);
  }
}

/** `AWS::IAM::ManagedPolicy`: one attachment (id = its ARN) per principal it names. */
export function importManagedPolicyResource(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): void {
  const arn = ctx.resolver.arnOf(logicalId) as string;
  const declared = ctx.managedPolicy(arn);
  if (!declared || declared.document === undefined) {
    ctx.error([...resource.path, 'Properties', 'PolicyDocument'], 'managed policy has no PolicyDocument');
    return;
  }
  for (const principal of attachedPrincipals(ctx, resource)) {
    addPolicyAttachment(
      ctx,
      {
        id: arn,
        name: declared.name,
        type: 'identity',
        attachedTo: principal.id,
        document: declared.document,
      },
      resource.path,
    );
  }
}

/** `AWS::IAM::RolePolicy`, `UserPolicy`, `GroupPolicy`: one inline policy on one principal. */
export function importPrincipalPolicyResource(
  ctx: ImportContext,
  logicalId: string,
  resource: TemplateResource,
): void {
  const base = [...resource.path, 'Properties'];
  const [key, toId] =
    resource.type === 'AWS::IAM::RolePolicy'
      ? (['RoleName', roleArnOf] as const)
      : resource.type === 'AWS::IAM::UserPolicy'
        ? (['UserName', userArnOf] as const)
        : (['GroupName', groupArnOf] as const);
  const owner = requireString(ctx.resolve(resource.properties[key], [...base, key]), [...base, key], key);
  const policy = readInlinePolicy(ctx, logicalId, resource);
  if (!policy) return;
  const { name, document } = policy;
  attachInlinePolicy(ctx, toId(ctx, owner), name, document, resource.path);
}

export function importUserToGroupAddition(
  ctx: ImportContext,
  _logicalId: string,
  resource: TemplateResource,
): void {
  const base = [...resource.path, 'Properties'];
  const group = requireString(
    ctx.resolve(resource.properties.GroupName, [...base, 'GroupName']),
    [...base, 'GroupName'],
    'GroupName',
  );
  const groupId = groupArnOf(ctx, group);
  asList(ctx.resolve(resource.properties.Users, [...base, 'Users'])).forEach((user, i) => {
    const name = optionalString(user);
    if (name) ctx.builder.addMembership({ user: userArnOf(ctx, name), group: groupId });
    else ctx.error([...base, 'Users', i], `expected a user name, found ${describe(user)}`);
  });
}
