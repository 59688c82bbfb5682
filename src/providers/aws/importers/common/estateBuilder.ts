/**
 * Collects the entities one input file describes into an Estate, once each: an export may repeat a fact
 * (a Terraform state lists a role's attachments on the role and on the attachment), and a duplicate would
 * double-count in the profile. Also the one place errors and informational notes are recorded.
 */
import type {
  Estate,
  FunctionNode,
  GroupMembership,
  PolicyAttachment,
  Principal,
  Resource,
  SourceLocation,
  Trigger,
} from '../../../../model/index.js';
import { emptyEstate } from '../../../../model/index.js';

export class EstateBuilder {
  readonly estate: Estate = emptyEstate();
  private readonly seen = new Set<string>();
  private readonly functionsById = new Map<string, FunctionNode>();

  constructor(readonly file: string) {}

  /** Where in this file: a JSON path or a Terraform address. */
  at(path?: string): SourceLocation {
    return path === undefined ? { file: this.file } : { file: this.file, path };
  }

  private once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  addPrincipal(principal: Principal): void {
    if (this.once(`principal ${principal.id}`)) this.estate.principals.push(principal);
  }

  /** Adds the function, or returns the one already added under the same id. */
  addFunction(fn: FunctionNode): FunctionNode {
    const existing = this.functionsById.get(fn.id);
    if (existing) return existing;
    this.functionsById.set(fn.id, fn);
    this.estate.functions.push(fn);
    return fn;
  }

  functionById(id: string): FunctionNode | undefined {
    return this.functionsById.get(id);
  }

  addResource(resource: Resource): void {
    if (this.once(`resource ${resource.id}`)) this.estate.resources.push(resource);
  }

  addTrigger(trigger: Trigger): void {
    const key = `trigger ${trigger.kind} ${trigger.source} ${trigger.target} ${trigger.firedBy.join(',')}`;
    if (this.once(key)) this.estate.triggers.push(trigger);
  }

  addPolicy(policy: PolicyAttachment): void {
    if (this.once(`policy ${policy.type} ${policy.id} ${policy.attachedTo}`))
      this.estate.policies.push(policy);
  }

  addMembership(membership: GroupMembership): void {
    if (this.once(`member ${membership.user} ${membership.group}`)) this.estate.memberships.push(membership);
  }

  /** Something in the input is broken or unreadable. */
  error(message: string, location?: string): void {
    this.estate.errors.push(
      location === undefined ? { file: this.file, message } : { file: this.file, message, location },
    );
  }

  /** Something was read but could not be linked or is not modelled; the input itself is fine. */
  info(message: string, location?: string): void {
    this.estate.errors.push({
      file: this.file,
      message,
      severity: 'info',
      ...(location === undefined ? {} : { location }),
    });
  }
}
