/**
 * The AWS EstateAuthorizer: requesters, entry points and candidate indexes over an AWS estate, and the exact
 * decision through the AWS authorizer. Functions act as sessions of their execution role.
 */
import type {
  Access,
  Decision,
  EntryPoint,
  Estate,
  EstateAuthorizer,
  FunctionNode,
  Principal,
  Resource,
  Trigger,
} from '../../../model/index.js';
import {
  authorize,
  compilePolicy,
  isNamePattern,
  parseRequestPrincipal,
  splitArn,
  toArnValue,
  type ArnPattern,
  type ArnValue,
  statementCoversAction,
  type CompiledPolicy,
  type CompiledPolicySet,
  type CompiledStatement,
} from '../authorizer/index.js';
import type { ContextValue } from '../types.js';
import {
  eventPatternContext,
  eventPatternFiredBy,
  filterCriteriaConditions,
  isPolledResource,
  POLL_ACTIONS,
  RESOURCE_ACTIONS,
  resourceFromArn,
} from '../estate/index.js';
import { ANONYMOUS_REQUESTER } from '../estate/requesterIds.js';
import { collectRequesters, type EstateRequesters } from './estateRequesters.js';
import { EstatePolicies } from './estatePolicies.js';
import { resourcesFromPolicies } from './policyResources.js';
import { literalPrefix, PrefixIndex } from './prefixIndex.js';
import { objectKeysOf, ResourceIndex, type ResourceKey } from './resourceIndex.js';

const INVOKE_ACTION = 'lambda:InvokeFunction';

/**
 * What an outside requester's own account lets it do is unknown; ares assumes it lets it do anything, so what it
 * may do in the estate is exactly what the estate's resource policies grant it (and everything else is an implicit
 * denial, as for a cross-account caller AWS checks both sides).
 */
const OUTSIDE_OWN_POLICIES = compilePolicy(
  {
    id: 'outside-requester-own-policies (unknown: assumed to allow everything)',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  'identity',
  'identity',
);

/** Who decides for a requester id: the policies it acts with and the principal the request is made as. */
interface Acting {
  /** The principal whose policies apply (a role for a party that assumes it, else the requester itself). */
  policyId: string;
  /** The principal of the request (`anonymous`, an account root, a role session, a user ARN). */
  caller: string;
  outside: boolean;
  account: string | undefined;
}

interface IndexedAllow {
  requester: string;
  statement: CompiledStatement;
}

interface RequesterIndex {
  /** Allow statements whose Resource elements are all literal ARNs, under each ARN. */
  exact: Map<string, IndexedAllow[]>;
  /** The same lists, found by a generated name's literal prefix. */
  exactByPrefix: PrefixIndex<IndexedAllow[]>;
  /** The other Allow statements, by the service of their actions (`*` for any). */
  patterns: Map<string, IndexedAllow[]>;
}

/**
 * Whether a Resource pattern could name the target: a literal match, a variable left open, or, for a target that
 * stands for generated names, a pattern that covers some of them.
 */
function mayName(pattern: ArnPattern, target: ArnValue): boolean {
  if (target.pattern) return pattern.relate(target, () => undefined) !== 'none';
  return pattern.matches(target, () => undefined) !== false;
}

/** Whether a Resource pattern names the target for certain (every name it stands for). */
function surelyNames(pattern: ArnPattern, target: ArnValue): boolean {
  if (target.pattern) return pattern.relate(target, () => undefined) === 'all';
  return pattern.matches(target, () => undefined) === true;
}

function serviceOf(action: string): string {
  return action.slice(0, action.indexOf(':')).toLowerCase();
}

/** Every statement of a policy set's identity policies with the given effect. */
function identityStatements(set: CompiledPolicySet, effect: 'Allow' | 'Deny'): CompiledStatement[] {
  return set.identity.flatMap((p) => p.statements.filter((s) => s.effect === effect));
}

/** Whether a policy has a statement of `effect` that could name an action of `service`. */
function touchesService(policy: CompiledPolicy, service: string, effect: 'Allow' | 'Deny'): boolean {
  const listed = policy.byService.get(service)?.some((e) => e.statement.effect === effect) ?? false;
  return listed || policy.anyService.some((e) => e.statement.effect === effect);
}

export class AwsEstateAuthorizer implements EstateAuthorizer {
  readonly cloud = 'aws' as const;
  readonly policies: EstatePolicies;
  readonly resources: ResourceIndex;
  /** Resources known only from the policies that name them (see `resourcesFromPolicies`). */
  private readonly namedByPolicies = new Set<string>();
  private readonly principals = new Map<string, Principal>();
  private readonly functions = new Map<string, FunctionNode>();
  /** Per bucket ARN, the object-key patterns the estate's policies name. */
  private readonly objectKeys: Map<string, Set<string>>;
  private requesterSet: EstateRequesters | undefined;
  private requesterIndex: RequesterIndex | undefined;
  private publicAccesses: Set<string> | undefined;

  constructor(private readonly estate: Estate) {
    this.policies = new EstatePolicies(estate);
    this.objectKeys = this.collectObjectKeys();
    // Exports without an inventory name their tables and buckets only in policies: those are resources too.
    const named = resourcesFromPolicies(estate, this.policies);
    for (const r of named) this.namedByPolicies.add(r.id);
    this.resources = new ResourceIndex([...estate.resources, ...named], estate.functions, this.objectKeys);
    for (const p of estate.principals) this.principals.set(p.id, p);
    for (const f of estate.functions) this.functions.set(f.id, f);
  }

  /**
   * IAM users; roles that principals of their own account may assume; outside parties a trust policy names (other
   * accounts, Cognito identity pools, web-identity and SAML providers) acting with the role's policies; and
   * `anonymous` and other accounts that public entries and resource policies let in (see estateRequesters).
   */
  requesters(): Principal[] {
    return this.requesterRecords().list;
  }

  private requesterRecords(): EstateRequesters {
    this.requesterSet ??= collectRequesters(this.estate, this.policies);
    return this.requesterSet;
  }

  /** The policies and request principal that decide for a principal id (a requester's or a function's). */
  private acting(principal: string): Acting {
    const requester = this.requesterRecords().byId.get(principal);
    if (requester?.actsAs !== undefined) {
      const role = this.principals.get(requester.actsAs);
      return {
        policyId: requester.actsAs,
        caller: this.requestPrincipal(requester.actsAs),
        outside: false,
        account: role?.account ?? parseRequestPrincipal(requester.actsAs).account,
      };
    }
    if (requester?.outside === true) {
      const caller =
        principal === ANONYMOUS_REQUESTER ? 'anonymous' : principal.slice(principal.indexOf(':') + 1);
      return {
        policyId: principal,
        caller: this.requestPrincipal(caller),
        outside: true,
        account: requester.account,
      };
    }
    const p = this.principals.get(principal);
    return {
      policyId: principal,
      caller: this.requestPrincipal(principal),
      outside: false,
      account: p?.account ?? parseRequestPrincipal(principal).account,
    };
  }

  /** Accesses (`action\0resource`) of public entry points, which only `anonymous` takes. */
  private publicEntryAccesses(): Set<string> {
    this.publicAccesses ??= new Set(this.publicEntries().map((e) => `${e.action}\u0000${e.resource}`));
    return this.publicAccesses;
  }

  /**
   * Public HTTP entries: an API route with no authorization is `execute-api:Invoke` on its route, a function URL
   * with AuthType NONE is `lambda:InvokeFunctionUrl` on the function; no IAM check is made of the caller.
   */
  private publicEntries(): EntryPoint[] {
    return this.estate.triggers
      .filter((t) => t.public === true)
      .map((t) => ({
        function: t.target,
        resource: t.source,
        action: t.source === t.target ? 'lambda:InvokeFunctionUrl' : 'execute-api:Invoke',
        via: t.kind,
      }));
  }

  private rulesByName: Map<string, Resource[]> | undefined;

  /**
   * A trigger whose source is an event rule (exports name the rule, not its bus) becomes a trigger on the rule's
   * bus, fired by what the rule's pattern lets PutEvents fire; a disabled or schedule-only rule fires on no request.
   * Rules are found by ARN, else by name (a targets export assumes the default bus).
   */
  private throughEventRule(trigger: Trigger): Trigger | undefined {
    if (!/^arn:[^:]+:events:[^:]*:[^:]*:rule\//.test(trigger.source)) return trigger;
    if (!this.rulesByName) {
      this.rulesByName = new Map();
      for (const r of this.estate.resources) {
        if (!r.eventRule) continue;
        const list = this.rulesByName.get(r.name) ?? [];
        list.push(r);
        this.rulesByName.set(r.name, list);
      }
    }
    const byName = this.rulesByName.get(trigger.source.slice(trigger.source.lastIndexOf('/') + 1)) ?? [];
    const rule =
      this.resources.byId.get(trigger.source)?.eventRule ??
      (byName.length === 1 ? byName[0]?.eventRule : undefined);
    if (!rule) return trigger;
    if (!rule.enabled || rule.pattern === undefined) return undefined;
    return {
      ...trigger,
      source: rule.bus,
      firedBy: [...eventPatternFiredBy(rule.pattern)],
      eventPattern: rule.pattern,
    };
  }

  /** Object-key patterns (`arn:aws:s3:::bucket/prefix/*`) named by any policy of the estate, by bucket. */
  private collectObjectKeys(): Map<string, Set<string>> {
    const keys = new Map<string, Set<string>>();
    for (const attachment of this.estate.policies) {
      const policy = this.policies.compile(attachment);
      for (const statement of policy?.statements ?? []) {
        for (const pattern of statement.resources ?? []) {
          const match = /^(arn:[^:]+:s3:::[^/*?]+)\/./.exec(pattern.source);
          if (!match || pattern.variables) continue;
          const bucket = match[1] as string;
          const set = keys.get(bucket) ?? new Set<string>();
          set.add(pattern.source);
          keys.set(bucket, set);
        }
      }
    }
    return keys;
  }

  entryPoints(): EntryPoint[] {
    const entries: EntryPoint[] = this.estate.functions.map((f) => ({
      function: f.id,
      resource: f.id,
      action: INVOKE_ACTION,
      via: 'invoke',
    }));
    for (const declared of this.estate.triggers) {
      const trigger = this.throughEventRule(declared);
      if (!trigger) continue;
      const filter = this.triggerFilter(trigger);
      if (filter === 'impossible') continue;
      const source = this.resources.byId.get(trigger.source);
      const rule = source ? RESOURCE_ACTIONS[`${source.service}/${source.type}`] : undefined;
      for (const action of trigger.firedBy) {
        // Object-level S3 writes act on object keys: any key fires the notification, so every key pattern the
        // estate names for the bucket is an entry (the same keys ServiceReach uses, so hops line up).
        const objectLevel = rule?.objectLevel?.includes(action) ?? false;
        const resources = objectLevel ? objectKeysOf(trigger.source, this.objectKeys) : [trigger.source];
        for (const resource of resources)
          entries.push({ function: trigger.target, resource, action, via: trigger.kind, ...filter });
      }
    }
    entries.push(...this.publicEntries());
    return entries;
  }

  /**
   * What a trigger's filter asks of the write or the event: an event rule's pattern pins PutEvents' `events:source`
   * and `events:detailType` (a request context the write must carry); a mapping's filter criteria make the entry
   * hold only for some records (listed as conditions), or never, when no filter can match the source's records.
   */
  private triggerFilter(trigger: Trigger): Pick<EntryPoint, 'context' | 'conditions'> | 'impossible' {
    const out: Pick<EntryPoint, 'context' | 'conditions'> = {};
    if (trigger.kind === 'event-bus') {
      const context = eventPatternContext(trigger.eventPattern);
      if (context) out.context = context;
    }
    if (trigger.filters && trigger.filters.length > 0) {
      const service = splitArn(trigger.source)?.[2] ?? '';
      const conditions = filterCriteriaConditions(trigger.filters, service);
      if (conditions === 'impossible') return 'impossible';
      out.conditions = conditions;
    }
    return out;
  }

  candidateRequesters(access: Access): string[] {
    // Anyone may call a public entry with no IAM check; `anonymous` stands for all of them.
    if (this.publicEntryAccesses().has(`${access.action}\u0000${access.resource}`))
      return [ANONYMOUS_REQUESTER];
    const requesters = this.requesters();
    // A resource policy can grant anyone; such resources are few, so check every requester exactly.
    if (this.policies.resourcePolicy(this.baseResource(access.resource))) return requesters.map((r) => r.id);
    const index = (this.requesterIndex ??= this.buildRequesterIndex(requesters));
    const out = new Set<string>();
    const target = this.target(access.resource);
    for (const { requester, statement } of index.exact.get(access.resource) ?? []) {
      if (statementCoversAction(statement, access.action)) out.add(requester);
    }
    if (target.pattern) {
      // A literal ARN may name one of the generated names the target stands for: those are not keyed by it.
      for (const entries of index.exactByPrefix.compatible(literalPrefix(target.text))) {
        for (const { requester, statement } of entries) {
          if (out.has(requester) || !statementCoversAction(statement, access.action)) continue;
          if ((statement.resources ?? []).some((p) => mayName(p, target))) out.add(requester);
        }
      }
    }
    for (const bucket of [index.patterns.get(serviceOf(access.action)), index.patterns.get('*')]) {
      for (const { requester, statement } of bucket ?? []) {
        if (out.has(requester) || !statementCoversAction(statement, access.action)) continue;
        // Variables are left open here (the exact decision settles them); conditions are not looked at yet.
        const resources = statement.resources ?? [];
        const matches = resources.some((p) => mayName(p, target));
        if (matches !== statement.negateResources || resources.length === 0) out.add(requester);
      }
    }
    return [...out];
  }

  /** Requesters' Allow statements by the exact ARN they name, or by service when they use wildcards. */
  private buildRequesterIndex(requesters: Principal[]): RequesterIndex {
    const index: RequesterIndex = { exact: new Map(), exactByPrefix: new PrefixIndex(), patterns: new Map() };
    for (const requester of requesters) {
      // Outside requesters get in only through resource policies, whose resources are checked exhaustively.
      if (requester.outside === true) continue;
      const acting = this.acting(requester.id);
      const set = this.policies.principalSet(acting.policyId, acting.account);
      for (const statement of identityStatements(set, 'Allow')) {
        const entry = { requester: requester.id, statement };
        const literal =
          !statement.negateResources &&
          statement.resources !== undefined &&
          statement.resources.every((p) => p.tokens.length === 1 && p.tokens[0]?.kind === 'text');
        if (literal) {
          for (const pattern of statement.resources ?? []) {
            const text = (pattern.tokens[0] as { text: string }).text;
            let list = index.exact.get(text);
            if (!list) {
              list = [];
              index.exact.set(text, list);
              index.exactByPrefix.add(text, list);
            }
            list.push(entry);
          }
          continue;
        }
        const services = statement.negateActions
          ? ['*']
          : statement.actionPatterns.map((a) =>
              a === '*' || /[*?]/.test(serviceOf(a)) ? '*' : serviceOf(a),
            );
        for (const service of new Set(services)) {
          const list = index.patterns.get(service) ?? [];
          list.push(entry);
          index.patterns.set(service, list);
        }
      }
    }
    return index;
  }

  candidateReach(fn: FunctionNode): Access[] {
    if (!fn.identity) return [];
    const set = this.policies.principalSet(
      fn.identity,
      this.principals.get(fn.identity)?.account ?? fn.account,
    );
    const found = new Map<string, Access>();
    const add = (key: ResourceKey, statement?: CompiledStatement): void => {
      for (const action of key.actions) {
        if (statement && !statementCoversAction(statement, action)) continue;
        found.set(`${action}\u0000${key.key}`, { resource: key.key, action });
      }
    };
    for (const statement of identityStatements(set, 'Allow')) {
      for (const key of this.keysFor(statement)) add(key, statement);
    }
    // Resource policies may grant the role directly; those resources are few, so take all their accesses.
    for (const key of this.keysWithResourcePolicy()) add(key);
    return [...found.values()];
  }

  private resourcePolicyKeys: ResourceKey[] | undefined;

  private keysWithResourcePolicy(): ResourceKey[] {
    this.resourcePolicyKeys ??= this.resources
      .all()
      .filter((k) => this.policies.resourcePolicy(k.resource.id));
    return this.resourcePolicyKeys;
  }

  private keysFor(statement: CompiledStatement): readonly ResourceKey[] {
    const patterns = statement.resources;
    if (!patterns || statement.negateResources || patterns.some((p) => p.tokens[0]?.kind !== 'text')) {
      const services = statement.negateActions
        ? undefined
        : statement.actionPatterns.map((a) => serviceOf(a));
      if (!services || services.some((s) => s === '' || s.includes('*') || s.includes('?')))
        return this.resources.all();
      return [...new Set(services)].flatMap((s) => this.resources.ofService(s));
    }
    const keys = new Set<ResourceKey>();
    for (const pattern of patterns) for (const key of this.resources.candidates(pattern)) keys.add(key);
    return [...keys];
  }

  private polledSources: Map<string, string[]> | undefined;

  /** Queue and stream triggers are event source mappings: Lambda polls them with the function's role. */
  isTriggerPoll(fn: string, access: Access): boolean {
    if (!this.polledSources) {
      this.polledSources = new Map();
      for (const trigger of this.estate.triggers) {
        if (trigger.kind !== 'queue' && trigger.kind !== 'stream') continue;
        const list = this.polledSources.get(trigger.target) ?? [];
        list.push(trigger.source);
        this.polledSources.set(trigger.target, list);
      }
    }
    const sources = this.polledSources.get(fn);
    if (!sources) return false;
    return sources.some(
      (source) =>
        POLL_ACTIONS[serviceOf(access.action)]?.includes(access.action) === true &&
        splitArn(source)?.[2] === serviceOf(access.action) &&
        isPolledResource(source, access.resource),
    );
  }

  mayBeDenied(principal: string, access: Access): boolean {
    const set = this.policySetFor(principal, access);
    if (set.boundary || set.session || set.scps.length > 0 || set.rcps.length > 0) return true;
    const target = this.target(access.resource);
    const covers = (statement: CompiledStatement): boolean => {
      if (statement.effect !== 'Deny' || !statementCoversAction(statement, access.action)) return false;
      const resources = statement.resources;
      if (!resources) return true;
      // Variables stay open (undefined counts as a possible match); conditions are left to the exact decision.
      const named = resources.some((p) => mayName(p, target));
      return statement.negateResources ? !resources.every((p) => surelyNames(p, target)) : named;
    };
    const service = serviceOf(access.action);
    const denies = (policy: CompiledPolicy): boolean =>
      touchesService(policy, service, 'Deny') && policy.statements.some(covers);
    return set.identity.some(denies) || (set.resource !== undefined && denies(set.resource));
  }

  /** The access's resource as the authorizer matches it; a generated name stands for every name of its pattern. */
  private target(resource: string): ArnValue {
    return toArnValue(resource, this.isPattern(resource));
  }

  /** S3 object keys (`bucket/*`) are requests on objects; only a generated bucket name makes one a pattern. */
  private isPattern(resource: string): boolean {
    const base = this.baseResource(resource);
    // A wildcard a policy names (`table/pay*`) is decided as written; only a name CloudFormation will generate
    // stands for each of the names it can take.
    return !this.namedByPolicies.has(base) && isNamePattern(base);
  }

  decide(principal: string, access: Access): Decision {
    const acting = this.acting(principal);
    if (acting.outside && this.publicEntryAccesses().has(`${access.action}\u0000${access.resource}`))
      return { decision: 'allow', reasons: [] };
    return authorize(
      {
        principal: acting.caller,
        action: access.action,
        resource: access.resource,
        ...(this.isPattern(access.resource) ? { resourceIsPattern: true } : {}),
        ...this.resourceAccountOf(access.resource, acting.caller),
        ...this.knownContext(acting, access),
      },
      this.policySetFor(principal, access),
    );
  }

  /**
   * `decide` with request context keys the caller supplies (what-if questions); the caller's keys win over the
   * ones the estate settles. A key left out stays unknown, so the answer may be `conditional`.
   */
  decideWithContext(principal: string, access: Access, context: Record<string, ContextValue>): Decision {
    const acting = this.acting(principal);
    const known = this.knownContext(acting, access).context ?? {};
    return authorize(
      {
        principal: acting.caller,
        action: access.action,
        resource: access.resource,
        ...(this.isPattern(access.resource) ? { resourceIsPattern: true } : {}),
        ...this.resourceAccountOf(access.resource, acting.caller),
        context: { ...known, ...context },
      },
      this.policySetFor(principal, access),
    );
  }

  /** Context keys the estate settles, which AWS would set on the request. */
  private knownContext(acting: Acting, access: Access): { context?: Record<string, ContextValue> } {
    const context: Record<string, ContextValue> = {};
    // A session's ARN loses its role's path; the estate knows the role.
    if (!acting.outside && acting.caller !== acting.policyId) context['aws:PrincipalArn'] = acting.policyId;
    // An outside caller calls directly, not as a service on behalf of a resource: no source ARN or account.
    if (acting.outside) {
      context['aws:SourceArn'] = null;
      context['aws:SourceAccount'] = null;
      // An anonymous caller has no principal at all; another account's caller is known by its account.
      if (acting.policyId === ANONYMOUS_REQUESTER) {
        for (const key of ['aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:PrincipalOrgID', 'aws:userid'])
          context[key] = null;
      } else if (acting.account !== undefined) context['aws:PrincipalAccount'] = acting.account;
    }
    // Entries through a function URL exist only for AWS_IAM URLs (TRIGGER_RULES 'function-url-iam').
    if (access.action === 'lambda:InvokeFunctionUrl') context['lambda:FunctionUrlAuthType'] = 'AWS_IAM';
    return Object.keys(context).length > 0 ? { context } : {};
  }

  describe(id: string): { name: string; kind: string } {
    const requester = this.requesterRecords().byId.get(id);
    if (requester) return { name: requester.name, kind: requester.kind };
    const principal = this.principals.get(id);
    if (principal) return { name: principal.name, kind: principal.kind };
    const fn = this.functions.get(id);
    if (fn) return { name: fn.name, kind: 'function' };
    const resource = this.resources.byId.get(this.baseResource(id));
    if (resource) {
      const suffix = id.length > resource.id.length ? id.slice(resource.id.length) : '';
      return { name: `${resource.name}${suffix}`, kind: resource.type };
    }
    const parsed = resourceFromArn(id);
    return { name: parsed.name, kind: parsed.type };
  }

  private policySetFor(principal: string, access: Access): CompiledPolicySet {
    const acting = this.acting(principal);
    const base: CompiledPolicySet = acting.outside
      ? { identity: [OUTSIDE_OWN_POLICIES], scps: [], rcps: [], warnings: [] }
      : this.policies.principalSet(acting.policyId, acting.account);
    const resourceId = this.baseResource(access.resource);
    const resource = this.policies.resourcePolicy(resourceId);
    const account = this.resources.byId.get(resourceId)?.account ?? acting.account;
    const rcps = this.policies.organizationLevels(account, 'rcp');
    return { ...base, rcps, ...(resource ? { resource } : {}) };
  }

  /** Roles act through sessions: a requester role as `ares`, a function's role as the function does. */
  private requestPrincipal(principal: string): string {
    const parsed = parseRequestPrincipal(principal);
    if (parsed.kind !== 'role' || !parsed.account) return principal;
    return `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${parsed.name}/ares`;
  }

  /** S3 object ARNs (`bucket/key`) are governed by the bucket's policy. */
  private baseResource(resource: string): string {
    if (resource.startsWith('arn:aws:s3:::')) {
      const slash = resource.indexOf('/');
      return slash < 0 ? resource : resource.slice(0, slash);
    }
    return resource;
  }

  private resourceAccountOf(resource: string, caller: string): { resourceAccount?: string } {
    const account = this.resources.byId.get(this.baseResource(resource))?.account;
    if (account) return { resourceAccount: account };
    // A pattern resource from a policy (`arn:aws:dynamodb:*:*:table/orders-*`) stands for tables of every account,
    // the caller's own among them: deciding it as same-account keeps the reach such a table gives.
    if (/[*?]/.test(splitArn(resource)?.[4] ?? '')) {
      const own = parseRequestPrincipal(caller).account;
      return own ? { resourceAccount: own } : {};
    }
    return {};
  }

  /** Errors met while compiling the estate's policies. */
  get errors() {
    return this.policies.errors;
  }
}

export function createAwsEstateAuthorizer(estate: Estate): AwsEstateAuthorizer {
  return new AwsEstateAuthorizer(estate);
}
