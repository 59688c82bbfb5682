/**
 * Collects what one template describes into an Estate: de-duplicates by id, keeps the first declaration's
 * source, and attaches asynchronous destinations to their functions at the end.
 */
import type {
  Estate,
  EstateError,
  FunctionNode,
  GroupMembership,
  Notice,
  PolicyAttachment,
  Principal,
  Resource,
  Trigger,
} from '../../../../model/index.js';

export class EstateBuilder {
  private readonly principals = new Map<string, Principal>();
  private readonly functions = new Map<string, FunctionNode>();
  private readonly resources = new Map<string, { resource: Resource; declared: boolean }>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly policies = new Map<string, PolicyAttachment>();
  private readonly memberships = new Map<string, GroupMembership>();
  private readonly destinations = new Map<string, { ids: Set<string>; onMissing: () => void }>();
  private readonly errors: EstateError[] = [];
  private readonly errorKeys = new Set<string>();

  addPrincipal(principal: Principal): void {
    if (!this.principals.has(principal.id)) this.principals.set(principal.id, principal);
  }

  hasPrincipal(id: string): boolean {
    return this.principals.has(id);
  }

  addFunction(fn: FunctionNode): void {
    if (!this.functions.has(fn.id)) this.functions.set(fn.id, fn);
  }

  /** A declared resource replaces one that was only referenced (e.g. by a trigger) before. */
  addResource(resource: Resource, declared: boolean): void {
    const existing = this.resources.get(resource.id);
    if (!existing || (declared && !existing.declared))
      this.resources.set(resource.id, { resource, declared });
  }

  addTrigger(trigger: Trigger): void {
    const key = [trigger.kind, trigger.source, trigger.target, trigger.firedBy.join(',')].join('|');
    if (!this.triggers.has(key)) this.triggers.set(key, trigger);
  }

  addPolicy(policy: PolicyAttachment): void {
    const key = [policy.type, policy.id, policy.attachedTo].join('|');
    if (!this.policies.has(key)) this.policies.set(key, policy);
  }

  addMembership(membership: GroupMembership): void {
    this.memberships.set(`${membership.user}|${membership.group}`, membership);
  }

  /** `onMissing` runs at the end when no function with `functionId` was declared. */
  addDestination(functionId: string, destinationId: string, onMissing: () => void): void {
    let entry = this.destinations.get(functionId);
    if (!entry) {
      entry = { ids: new Set(), onMissing };
      this.destinations.set(functionId, entry);
    }
    entry.ids.add(destinationId);
  }

  /** What the user should know about this input (see `Notice`), in the order found. */
  readonly notices: Notice[] = [];

  addNotice(notice: Notice): void {
    if (this.notices.some((n) => n.code === notice.code && n.message === notice.message)) return;
    this.notices.push(notice);
  }

  addError(error: EstateError): void {
    const key = `${error.location ?? ''}|${error.message}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    this.errors.push(error);
  }

  build(): Estate {
    for (const [functionId, { ids, onMissing }] of this.destinations) {
      const fn = this.functions.get(functionId);
      if (!fn) {
        onMissing();
        continue;
      }
      fn.destinations = [...new Set([...(fn.destinations ?? []), ...ids])];
    }
    return {
      principals: [...this.principals.values()],
      functions: [...this.functions.values()],
      resources: [...this.resources.values()].map((entry) => entry.resource),
      triggers: [...this.triggers.values()],
      policies: [...this.policies.values()],
      memberships: [...this.memberships.values()],
      organization: [],
      errors: this.errors,
      notices: this.notices,
    };
  }
}
