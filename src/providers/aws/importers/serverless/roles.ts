/**
 * Execution roles of a Serverless Framework service: an existing role (`role` on the function or provider),
 * a per-function role (`iamRoleStatements` on the function, serverless-iam-roles-per-function), or the default
 * role `<service>-<stage>-<region>-lambdaRole` with the provider's statements and managed policies.
 */
import { arnOf } from '../../estate/index.js';
import { intrinsicName, isRecord, type ImportContext } from '../cloudformation/index.js';
import { addPolicyAttachment, attachInlinePolicy, attachManagedPolicy } from '../cloudformation/iam.js';
import { managedPolicyArn, serviceTrustPolicy } from '../cloudformation/samRoles.js';
import { asList, optionalString, roleArnOf } from '../cloudformation/values.js';
import type { ServerlessApp, ServerlessFunction } from './app.js';
import { firstUnresolved, withoutUnresolved } from './unresolved.js';

interface FrameworkRole {
  id: string;
  policyName: string;
  statements: unknown[];
  path: (string | number)[];
}

export class ExecutionRoles {
  private readonly managedRoles = new Map<string, FrameworkRole>();
  /** Function key → the Framework-managed role it runs as (absent for existing roles). */
  private readonly functionRoles = new Map<string, FrameworkRole>();

  constructor(
    private readonly ctx: ImportContext,
    private readonly app: ServerlessApp,
  ) {}

  /** The role the function runs as; undefined when it cannot be resolved (reported). */
  roleFor(fn: ServerlessFunction): string | undefined {
    const iamRole = this.app.provider.iam;
    // `provider.iam.role` is an existing role when it is a string or an intrinsic, settings when it is a map.
    const declared = isRecord(iamRole) ? iamRole.role : undefined;
    const providerIamRole =
      declared !== undefined && (!isRecord(declared) || intrinsicName(declared)) ? declared : undefined;
    const given = fn.config.role ?? this.app.provider.role ?? providerIamRole;
    if (given !== undefined)
      return this.existingRole(given, fn.config.role !== undefined ? [...fn.path, 'role'] : ['provider']);
    const role = fn.config.iamRoleStatements !== undefined ? this.perFunctionRole(fn) : this.defaultRole();
    this.functionRoles.set(fn.key, role);
    return role.id;
  }

  /** Statements the Framework adds to its own role for a poll-based event (read from the queue or stream). */
  addPollerStatement(fn: ServerlessFunction, statement: Record<string, unknown>): void {
    this.functionRoles.get(fn.key)?.statements.push(statement);
  }

  /** Writes the inline policies of the roles the Framework manages. */
  finish(): void {
    for (const role of this.managedRoles.values()) {
      if (role.statements.length === 0) continue;
      attachInlinePolicy(
        this.ctx,
        role.id,
        role.policyName,
        { Version: '2012-10-17', Statement: role.statements },
        role.path,
      );
    }
  }

  private existingRole(value: unknown, path: (string | number)[]): string | undefined {
    const resolved = optionalString(this.ctx.resolve(value, path));
    if (resolved !== undefined && firstUnresolved(resolved) !== undefined) {
      this.ctx.info(path, `the execution role ${resolved} is not resolved; the function identity is unknown`);
      return undefined;
    }
    if (!resolved) {
      this.ctx.error(path, 'the execution role cannot be resolved; the function identity is unknown');
      return undefined;
    }
    if (resolved.startsWith('arn:')) return resolved;
    // A name that is a logical id in resources.Resources means that role.
    const declared = this.ctx.resources.get(resolved);
    if (declared?.type === 'AWS::IAM::Role') return this.ctx.resolver.arnOf(resolved);
    return roleArnOf(this.ctx, resolved);
  }

  private addRole(
    key: string,
    name: string,
    path: string | undefined,
    policyName: string,
    source: (string | number)[],
  ): FrameworkRole {
    const id = arnOf.role(
      this.ctx.scope,
      name,
      path && path.startsWith('/') ? (path.endsWith('/') ? path : `${path}/`) : '/',
    );
    const role: FrameworkRole = { id, policyName, statements: [], path: source };
    this.managedRoles.set(key, role);
    this.ctx.builder.addPrincipal({
      id,
      name,
      cloud: 'aws',
      kind: 'role',
      account: this.ctx.scope.account,
      source: this.ctx.sourceAt(source),
    });
    addPolicyAttachment(
      this.ctx,
      {
        id: `${id}#trust`,
        name: 'AssumeRolePolicyDocument',
        type: 'trust',
        attachedTo: id,
        document: serviceTrustPolicy('lambda.amazonaws.com'),
      },
      source,
    );
    return role;
  }

  private statementsAt(value: unknown, path: (string | number)[]): unknown[] {
    return asList(this.ctx.resolve(value, path)).flatMap((statement, i) => {
      const kept = withoutUnresolved(statement, (what, variable) =>
        this.ctx.info([...path, i], `${what} is left out: it names ${variable}, which is not resolved`),
      );
      return kept === undefined ? [] : [kept];
    });
  }

  private attachManaged(roleId: string, values: { value: unknown; path: (string | number)[] }[]): void {
    for (const { value, path } of values) {
      asList(this.ctx.resolve(value, path)).forEach((arn, i) => {
        const variable = firstUnresolved(arn);
        if (variable !== undefined) {
          this.ctx.info([...path, i], `managed policy left out: it names ${variable}, which is not resolved`);
          return;
        }
        const text = optionalString(arn);
        const full = text ? (managedPolicyArn(this.ctx, text) ?? text) : arn;
        attachManagedPolicy(this.ctx, roleId, full, 'identity', [...path, i]);
      });
    }
  }

  private defaultRole(): FrameworkRole {
    const existing = this.managedRoles.get('');
    if (existing) return existing;
    const { app } = this;
    const iamRole = app.iamRole;
    const name = optionalString(iamRole.name) ?? `${app.service}-${app.stage}-${app.region}-lambdaRole`;
    const source = app.provider.iam !== undefined ? ['provider', 'iam'] : ['provider'];
    const role = this.addRole(
      '',
      name,
      optionalString(iamRole.path),
      `${app.stage}-${app.service}-lambda`,
      source,
    );
    role.statements.push(
      ...this.statementsAt(app.provider.iamRoleStatements, ['provider', 'iamRoleStatements']),
      ...this.statementsAt(iamRole.statements, ['provider', 'iam', 'role', 'statements']),
    );
    const managed = [
      { value: app.provider.iamManagedPolicies, path: ['provider', 'iamManagedPolicies'] },
      { value: iamRole.managedPolicies, path: ['provider', 'iam', 'role', 'managedPolicies'] },
    ];
    if (app.provider.vpc !== undefined || app.functions.some((fn) => fn.config.vpc !== undefined)) {
      const vpc = arnOf.managedPolicy(
        { ...this.ctx.scope, account: 'aws' },
        'AWSLambdaVPCAccessExecutionRole',
        '/service-role/',
      );
      managed.push({ value: vpc, path: ['provider', 'vpc'] });
    }
    this.attachManaged(role.id, managed);
    const boundary = iamRole.permissionsBoundary ?? app.provider.rolePermissionsBoundary;
    if (boundary !== undefined) {
      const path =
        iamRole.permissionsBoundary !== undefined
          ? ['provider', 'iam', 'role', 'permissionsBoundary']
          : ['provider', 'rolePermissionsBoundary'];
      attachManagedPolicy(this.ctx, role.id, this.ctx.resolve(boundary, path), 'permissions-boundary', path);
    }
    return role;
  }

  /** serverless-iam-roles-per-function: a role per function, inheriting provider statements when asked. */
  private perFunctionRole(fn: ServerlessFunction): FrameworkRole {
    const existing = this.managedRoles.get(fn.key);
    if (existing) return existing;
    const { app } = this;
    const name = `${app.service}-${app.stage}-${fn.key}-${app.region}-lambdaRole`.slice(0, 64);
    const role = this.addRole(fn.key, name, undefined, `${app.stage}-${app.service}-${fn.key}-lambda`, [
      ...fn.path,
      'iamRoleStatements',
    ]);
    role.statements.push(
      ...this.statementsAt(fn.config.iamRoleStatements, [...fn.path, 'iamRoleStatements']),
    );
    if (fn.config.iamRoleStatementsInherit === true) {
      role.statements.push(
        ...this.statementsAt(app.provider.iamRoleStatements, ['provider', 'iamRoleStatements']),
        ...this.statementsAt(app.iamRole.statements, ['provider', 'iam', 'role', 'statements']),
      );
    }
    return role;
  }
}
