/**
 * The policies of an estate, compiled once each and assembled per principal (identity policies, group policies,
 * boundary, SCP levels of its account) and per resource (resource policy, RCP levels of its account).
 */
import type { Estate, EstateError, PolicyAttachment } from '../../../model/index.js';
import { compilePolicy, type CompiledPolicy, type CompiledPolicySet } from '../authorizer/index.js';
import { PolicyValidationError } from '../errors.js';
import { decodePolicyDocument, type AwsPolicyKind } from '../policy/index.js';

const KIND_OF_TYPE: Record<string, AwsPolicyKind> = {
  identity: 'identity',
  'permissions-boundary': 'permissions-boundary',
  resource: 'resource',
  trust: 'trust',
  scp: 'scp',
  rcp: 'rcp',
  session: 'session',
};

/** SCPs and RCPs exported without their targets (describe-policy) attach here and apply to every account. */
export const ORGANIZATION_ROOT = 'organization-root';

export class EstatePolicies {
  readonly errors: EstateError[] = [];
  private readonly compiled = new Map<string, CompiledPolicy | null>();
  private readonly byTarget = new Map<string, PolicyAttachment[]>();
  private readonly groupsOfUser = new Map<string, string[]>();
  private readonly principalSets = new Map<string, CompiledPolicySet>();
  private readonly orgPaths = new Map<string, string[]>();

  constructor(private readonly estate: Estate) {
    for (const policy of estate.policies) {
      const list = this.byTarget.get(policy.attachedTo) ?? [];
      list.push(policy);
      this.byTarget.set(policy.attachedTo, list);
    }
    for (const { user, group } of estate.memberships) {
      const groups = this.groupsOfUser.get(user) ?? [];
      groups.push(group);
      this.groupsOfUser.set(user, groups);
    }
    for (const path of estate.organization) this.orgPaths.set(path.account, path.targets);
  }

  /** The compiled policy for an attachment; undefined (and an error recorded once) when it does not validate. */
  compile(attachment: PolicyAttachment): CompiledPolicy | undefined {
    const key = `${attachment.type}\u0000${attachment.id}`;
    let policy = this.compiled.get(key);
    if (policy === undefined) {
      policy = null;
      try {
        policy = compilePolicy(
          { id: attachment.id, document: attachment.document },
          KIND_OF_TYPE[attachment.type] ?? 'identity',
          attachment.type,
        );
      } catch (error) {
        if (!(error instanceof PolicyValidationError)) throw error;
        this.errors.push({
          file: attachment.source?.file ?? '(estate)',
          message: `policy ${attachment.name} cannot be evaluated: ${error.problem}`,
          location: [attachment.source?.path, error.path].filter(Boolean).join(' '),
        });
      }
      this.compiled.set(key, policy);
    }
    return policy ?? undefined;
  }

  attachedTo(target: string, type: string): CompiledPolicy[] {
    const out: CompiledPolicy[] = [];
    for (const attachment of this.byTarget.get(target) ?? []) {
      if (attachment.type !== type) continue;
      const policy = this.compile(attachment);
      if (policy) out.push(policy);
    }
    return out;
  }

  /** Organization levels (root first) of an account for SCPs or RCPs; a level with no known policy is left out. */
  organizationLevels(account: string | undefined, type: 'scp' | 'rcp'): CompiledPolicy[][] {
    const targets = account ? this.orgPaths.get(account) : undefined;
    const levels = (targets ?? [ORGANIZATION_ROOT]).map((t) => this.attachedTo(t, type));
    return levels.filter((level) => level.length > 0);
  }

  /** The policies that govern a principal's requests (no resource policy: that depends on the request). */
  principalSet(principalId: string, account: string | undefined): CompiledPolicySet {
    let set = this.principalSets.get(principalId);
    if (!set) {
      const identity = [
        ...this.attachedTo(principalId, 'identity'),
        ...(this.groupsOfUser.get(principalId) ?? []).flatMap((g) => this.attachedTo(g, 'identity')),
      ];
      const [boundary] = this.attachedTo(principalId, 'permissions-boundary');
      set = {
        identity,
        scps: this.organizationLevels(account, 'scp'),
        rcps: [],
        warnings: [],
        ...(boundary ? { boundary } : {}),
      };
      this.principalSets.set(principalId, set);
    }
    return set;
  }

  /**
   * The resource's policy. Several attachments (a function's Lambda permissions, say) form one document, as AWS
   * keeps them: their statements are concatenated in input order.
   */
  resourcePolicy(resourceId: string): CompiledPolicy | undefined {
    const attachments = (this.byTarget.get(resourceId) ?? []).filter((p) => p.type === 'resource');
    if (attachments.length <= 1) return attachments[0] ? this.compile(attachments[0]) : undefined;
    const key = `merged\u0000${resourceId}`;
    if (!this.compiled.has(key)) {
      const statements: unknown[] = [];
      let version = '2012-10-17';
      for (const attachment of attachments) {
        try {
          const doc = decodePolicyDocument(attachment.document, attachment.id) as {
            Version?: string;
            Statement?: unknown;
          };
          if (doc.Version !== '2012-10-17') version = '2008-10-17';
          statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]));
        } catch (error) {
          if (!(error instanceof PolicyValidationError)) throw error;
          this.errors.push({ file: attachment.source?.file ?? '(estate)', message: error.message });
        }
      }
      const first = attachments[0] as PolicyAttachment;
      this.compiled.set(key, null);
      const merged = this.compile({
        ...first,
        id: `${resourceId}#resource-policy`,
        document: { Version: version, Statement: statements },
      });
      this.compiled.set(key, merged ?? null);
    }
    return this.compiled.get(key) ?? undefined;
  }

  trustPolicy(roleId: string): CompiledPolicy | undefined {
    return this.attachedTo(roleId, 'trust')[0];
  }

  /** The raw trust document (for reading its Principal elements). */
  trustAttachment(roleId: string): PolicyAttachment | undefined {
    return (this.byTarget.get(roleId) ?? []).find((p) => p.type === 'trust');
  }

  get estateRef(): Estate {
    return this.estate;
  }
}
