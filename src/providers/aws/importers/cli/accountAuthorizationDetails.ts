/**
 * `aws iam get-account-authorization-details`: users, groups and roles with their inline, managed and boundary
 * policies, roles' trust policies, and group memberships. Documents are objects (CLI) or URL-encoded strings (SDK);
 * both pass through as they are once they are known to decode.
 */
import type { Estate, Principal, PrincipalKind } from '../../../../model/index.js';
import { arnAccount } from '../../authorizer/arn.js';
import { arnOf, type ArnScope } from '../../estate/index.js';
import type { Importer, ImportInput, ImportOptions } from '../importer.js';
import { documentDecodes, managedPolicyDocument, policyNameFromArn } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { arrayField, isRecord, isRecordListWith, stringField, type JsonRecord } from '../common/json.js';

type ListName = 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList';

interface PrincipalShape {
  list: ListName;
  kind: PrincipalKind;
  nameKey: 'UserName' | 'GroupName' | 'RoleName';
  inlineKey: 'UserPolicyList' | 'GroupPolicyList' | 'RolePolicyList';
  arn: (scope: ArnScope, name: string, path?: string) => string;
}

const SHAPES: PrincipalShape[] = [
  {
    list: 'GroupDetailList',
    kind: 'group',
    nameKey: 'GroupName',
    inlineKey: 'GroupPolicyList',
    arn: arnOf.group,
  },
  { list: 'UserDetailList', kind: 'user', nameKey: 'UserName', inlineKey: 'UserPolicyList', arn: arnOf.user },
  { list: 'RoleDetailList', kind: 'role', nameKey: 'RoleName', inlineKey: 'RolePolicyList', arn: arnOf.role },
];

interface Context {
  builder: EstateBuilder;
  scope: ArnScope;
  /** Managed policy ARN → default version document, for the policies the export includes and that decode. */
  managed: Map<string, unknown>;
  /** Managed policies whose document is in the export but broken (already reported). */
  broken: Set<string>;
  /** Group name → ARN, for memberships. */
  groups: Map<string, string>;
}

export const accountAuthorizationDetailsImporter: Importer = {
  name: 'aws-cli:get-account-authorization-details',
  detect: (input: ImportInput) => {
    const root = input.parsed;
    if (!isRecord(root)) return false;
    const lists = ['UserDetailList', 'GroupDetailList', 'RoleDetailList'].filter((key) => key in root);
    if (lists.length > 0) return lists.every((key) => Array.isArray(root[key]));
    return isRecordListWith(root.Policies, ['PolicyVersionList']) && arrayField(root, 'Policies').length > 0;
  },
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const root = input.parsed as JsonRecord;
    const ctx: Context = {
      builder: new EstateBuilder(input.file),
      scope: options,
      managed: new Map(),
      broken: new Set(),
      groups: new Map(),
    };
    readManagedPolicies(ctx, root);
    for (const shape of SHAPES) {
      arrayField(root, shape.list).forEach((detail, i) =>
        readPrincipal(ctx, shape, detail, `${shape.list}[${i}]`),
      );
    }
    return ctx.builder.estate;
  },
};

function readManagedPolicies(ctx: Context, root: JsonRecord): void {
  arrayField(root, 'Policies').forEach((policy, i) => {
    const path = `Policies[${i}]`;
    const arn = isRecord(policy) ? stringField(policy, 'Arn') : undefined;
    if (!isRecord(policy) || !arn) {
      ctx.builder.error('managed policy has no Arn', path);
      return;
    }
    const defaultId = stringField(policy, 'DefaultVersionId');
    const versions = arrayField(policy, 'PolicyVersionList');
    const index = versions.findIndex(
      (v) =>
        isRecord(v) &&
        (v.IsDefaultVersion === true || (defaultId !== undefined && v.VersionId === defaultId)),
    );
    const version = versions[index];
    if (!isRecord(version)) {
      ctx.builder.error(`managed policy ${arn} has no default version in PolicyVersionList`, path);
      ctx.broken.add(arn);
      return;
    }
    if (documentDecodes(ctx.builder, version.Document, `${path}.PolicyVersionList[${index}].Document`)) {
      ctx.managed.set(arn, version.Document);
    } else {
      ctx.broken.add(arn);
    }
  });
}

function readPrincipal(ctx: Context, shape: PrincipalShape, detail: unknown, path: string): void {
  const { builder } = ctx;
  const name = isRecord(detail) ? stringField(detail, shape.nameKey) : undefined;
  if (!isRecord(detail) || !name) {
    builder.error(`entry has no ${shape.nameKey}`, path);
    return;
  }
  const id = stringField(detail, 'Arn') ?? shape.arn(ctx.scope, name, stringField(detail, 'Path'));
  const account = arnAccount(id);
  const principal: Principal = { id, name, cloud: 'aws', kind: shape.kind, source: builder.at(path) };
  if (account) principal.account = account;
  builder.addPrincipal(principal);
  if (shape.kind === 'group') ctx.groups.set(name, id);

  arrayField(detail, shape.inlineKey).forEach((inline, j) => {
    const where = `${path}.${shape.inlineKey}[${j}]`;
    const policyName = isRecord(inline) ? stringField(inline, 'PolicyName') : undefined;
    if (!isRecord(inline) || !policyName) {
      builder.error('inline policy has no PolicyName', where);
      return;
    }
    if (!documentDecodes(builder, inline.PolicyDocument, `${where}.PolicyDocument`)) return;
    builder.addPolicy({
      id: `${id}#inline/${policyName}`,
      name: policyName,
      type: 'identity',
      attachedTo: id,
      document: inline.PolicyDocument,
      source: builder.at(where),
    });
  });

  arrayField(detail, 'AttachedManagedPolicies').forEach((attached, j) => {
    const where = `${path}.AttachedManagedPolicies[${j}]`;
    const arn = isRecord(attached) ? stringField(attached, 'PolicyArn') : undefined;
    if (!arn) {
      builder.error('attached managed policy has no PolicyArn', where);
      return;
    }
    const policyName = (isRecord(attached) && stringField(attached, 'PolicyName')) || policyNameFromArn(arn);
    attachManaged(ctx, arn, policyName, 'identity', id, where);
  });

  const boundary = detail.PermissionsBoundary;
  const boundaryArn = isRecord(boundary) ? stringField(boundary, 'PermissionsBoundaryArn') : undefined;
  if (boundaryArn) {
    attachManaged(
      ctx,
      boundaryArn,
      policyNameFromArn(boundaryArn),
      'permissions-boundary',
      id,
      `${path}.PermissionsBoundary`,
    );
  }

  if (shape.kind === 'role') {
    const where = `${path}.AssumeRolePolicyDocument`;
    if (documentDecodes(builder, detail.AssumeRolePolicyDocument, where)) {
      builder.addPolicy({
        id: `${id}#trust`,
        name: 'trust policy',
        type: 'trust',
        attachedTo: id,
        document: detail.AssumeRolePolicyDocument,
        source: builder.at(where),
      });
    }
  }

  if (shape.kind === 'user') {
    const scope = { ...ctx.scope, account: account ?? ctx.scope.account };
    arrayField(detail, 'GroupList').forEach((group, j) => {
      if (typeof group !== 'string' || group === '') {
        builder.error('group name is not a string', `${path}.GroupList[${j}]`);
        return;
      }
      // A group outside this export (another page, a filtered export) gets the default path.
      builder.addMembership({ user: id, group: ctx.groups.get(group) ?? arnOf.group(scope, group) });
    });
  }
}

function attachManaged(
  ctx: Context,
  arn: string,
  name: string,
  type: 'identity' | 'permissions-boundary',
  attachedTo: string,
  where: string,
): void {
  if (ctx.broken.has(arn)) return;
  const document = managedPolicyDocument(arn, ctx.managed);
  if (document === undefined) {
    ctx.builder.error(
      `managed policy ${arn} is not in the export's Policies and is not a known AWS managed policy; not attached`,
      where,
    );
    return;
  }
  ctx.builder.addPolicy({ id: arn, name, type, attachedTo, document, source: ctx.builder.at(where) });
}
