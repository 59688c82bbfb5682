/**
 * The AWS authorization decision, following the published policy evaluation logic:
 * an explicit Deny in any policy wins; otherwise every SCP level must allow; within one account an identity-based
 * or a resource-based grant suffices (subject to the permissions boundary and session policy, with the documented
 * exceptions for grants that name the caller's own user or session ARN); across accounts both sides must allow.
 * Unknown context keys are carried through three-valued logic, so an undecidable answer is `conditional`, never a guess.
 */
import type {
  Decision,
  DecisionKind,
  DecisionReason,
  NoAllowReason,
  StatementReason,
} from '../../../model/index.js';
import { servicesWithRcpSupport } from '../catalog/index.js';
import type { AuthorizeOptions, AwsRequest } from '../types.js';
import { matchPolicy, type CompiledPolicy, type StatementMatch } from './compiledPolicy.js';
import { EvaluationScope } from './evaluationScope.js';
import type { CompiledPolicySet } from './policySet.js';
import { prepareRequest } from './requestContext.js';
import { MAYBE, NO, YES, and3, or3, type Tri } from './tristate.js';

/** The matches of one policy layer, split by effect. */
interface Layer {
  allows: StatementMatch[];
  denies: StatementMatch[];
}

function matchLayer(policies: readonly CompiledPolicy[], scope: EvaluationScope): Layer {
  const matches: StatementMatch[] = [];
  for (const policy of policies) matchPolicy(policy, scope, matches);
  const layer: Layer = { allows: [], denies: [] };
  for (const match of matches) (match.statement.effect === 'Allow' ? layer.allows : layer.denies).push(match);
  return layer;
}

function anyOf(matches: readonly StatementMatch[], filter?: (m: StatementMatch) => boolean): Tri {
  let result: Tri = NO;
  for (const match of matches) {
    if (filter && !filter(match)) continue;
    result = or3(result, match.result);
    if (result === YES) break;
  }
  return result;
}

function reasonOf(match: StatementMatch): StatementReason {
  return match.statement.reason;
}

function noAllow(policyType: NoAllowReason['policyType'], message: string, policy?: string): NoAllowReason {
  return { kind: 'no-allow', policyType, message, ...(policy ? { policy } : {}) };
}

const EMPTY_LAYER: Layer = { allows: [], denies: [] };

/** Decides one request against a compiled policy set. Pure and synchronous. */
export function authorize(
  request: AwsRequest,
  policies: CompiledPolicySet,
  options: AuthorizeOptions = {},
): Decision {
  const prepared = prepareRequest(request, options, policies.boundary !== undefined);
  const scope = new EvaluationScope(prepared);
  const caller = prepared.principal;
  const isService = caller.kind === 'service';

  // SCPs govern principals of member accounts; not service-linked roles, not AWS service principals.
  const scpApplies = !caller.serviceLinked && !isService;
  const scpLevels = scpApplies ? policies.scps.map((level) => matchLayer(level, scope)) : [];
  // RCPFullAWSAccess is attached everywhere, so RCPs can only deny, and only for services that support them.
  const rcpApplies = !caller.serviceLinked && servicesWithRcpSupport().has(prepared.action.service);
  const rcpLevels = rcpApplies ? policies.rcps.map((level) => matchLayer(level, scope)) : [];
  const identity = isService ? EMPTY_LAYER : matchLayer(policies.identity, scope);
  const resource = policies.resource ? matchLayer([policies.resource], scope) : EMPTY_LAYER;
  const boundary = policies.boundary && !isService ? matchLayer([policies.boundary], scope) : undefined;
  const session = policies.session && !isService ? matchLayer([policies.session], scope) : undefined;

  const layers: Layer[] = [...scpLevels, ...rcpLevels, identity, resource];
  if (boundary) layers.push(boundary);
  if (session) layers.push(session);
  const denies = layers.flatMap((l) => l.denies);
  const denyResult = anyOf(denies);

  const scpResults = scpLevels.map((level) => anyOf(level.allows));
  const scpResult = scpResults.reduce<Tri>((acc, r) => and3(acc, r), YES);
  const identityResult = anyOf(identity.allows);
  const resourceResult = anyOf(resource.allows);
  const resourceDirect = anyOf(resource.allows, (m) => m.principal === 'direct');
  // A grant to the caller's role (or to a service) is limited by boundary and session policy; a grant to the
  // account only delegates to identity-based policies, which must allow on their own.
  const resourceLimited = anyOf(resource.allows, (m) => m.principal === 'role' || m.principal === 'service');
  const boundaryResult = boundary ? anyOf(boundary.allows) : YES;
  const sessionResult = session ? anyOf(session.allows) : YES;
  const guardrails = and3(boundaryResult, sessionResult);

  let grant: Tri;
  if (isService) {
    grant = resourceResult;
  } else if (prepared.sameAccount) {
    // A same-account grant naming the caller's user or session ARN is not limited by boundary or session policy.
    grant = or3(and3(identityResult, guardrails), or3(resourceDirect, and3(resourceLimited, guardrails)));
  } else {
    grant = and3(and3(identityResult, guardrails), resourceResult);
  }
  const allowResult = and3(grant, scpResult);

  if (denyResult === YES) {
    return {
      decision: 'explicit-deny',
      reasons: sortReasons(denies.filter((m) => m.result === YES).map(reasonOf)),
    };
  }
  if (denyResult === NO && allowResult === YES) {
    const granting = layers.flatMap((l) => l.allows).filter((m) => m.result === YES);
    return { decision: 'allow', reasons: sortReasons(granting.map(reasonOf)) };
  }
  if (denyResult === NO && allowResult === NO) {
    const reasons: DecisionReason[] = [];
    scpResults.forEach((r, i) => {
      if (r === NO)
        reasons.push(noAllow('scp', `no statement of SCP level ${i} allows the request`, `scps[${i}]`));
    });
    if (grant === NO)
      reasons.push(
        ...grantFailures(prepared.sameAccount, isService, {
          identityResult,
          resourceResult,
          boundaryResult,
          sessionResult,
          policies,
        }),
      );
    return { decision: 'implicit-deny', reasons };
  }

  // The answer depends on unknown context keys: report what is possible and which keys decide it.
  const possible = new Set<Exclude<DecisionKind, 'conditional'>>();
  if (denyResult !== NO) possible.add('explicit-deny');
  if (allowResult !== NO) possible.add('allow');
  if (allowResult !== YES) possible.add('implicit-deny');
  const relevant: StatementMatch[] = [];
  if (denyResult === MAYBE) relevant.push(...denies);
  if (allowResult === MAYBE) relevant.push(...layers.flatMap((l) => l.allows));
  const missing = new Set<string>();
  for (const match of relevant) for (const key of match.missingKeys ?? []) missing.add(key);
  return {
    decision: 'conditional',
    reasons: sortReasons(relevant.map(reasonOf)),
    missingContextKeys: [...missing].sort(),
    possibleDecisions: [...possible],
  };
}

function grantFailures(
  sameAccount: boolean,
  isService: boolean,
  r: {
    identityResult: Tri;
    resourceResult: Tri;
    boundaryResult: Tri;
    sessionResult: Tri;
    policies: CompiledPolicySet;
  },
): NoAllowReason[] {
  if (isService)
    return [noAllow('resource', 'a service principal needs a resource-based policy that allows it')];
  const out: NoAllowReason[] = [];
  if (sameAccount && r.identityResult === NO && r.resourceResult === NO) {
    out.push(noAllow('identity', 'no identity-based or resource-based policy allows the request'));
  }
  if (!sameAccount && r.identityResult === NO) {
    out.push(noAllow('identity', 'cross-account: no identity-based policy of the caller allows the request'));
  }
  if (!sameAccount && r.resourceResult === NO) {
    out.push(noAllow('resource', 'cross-account: the resource-based policy does not allow the caller'));
  }
  if (r.boundaryResult === NO && r.policies.boundary) {
    out.push(
      noAllow(
        'permissions-boundary',
        'the permissions boundary does not allow the request',
        r.policies.boundary.id,
      ),
    );
  }
  if (r.sessionResult === NO && r.policies.session) {
    out.push(noAllow('session', 'the session policy does not allow the request', r.policies.session.id));
  }
  return out;
}

const TYPE_ORDER = ['scp', 'rcp', 'identity', 'resource', 'permissions-boundary', 'session'];

function sortReasons(reasons: StatementReason[]): StatementReason[] {
  const seen = new Set<StatementReason>();
  const unique = reasons.filter((r) => (seen.has(r) ? false : (seen.add(r), true)));
  return unique.sort(
    (a, b) =>
      TYPE_ORDER.indexOf(a.policyType) - TYPE_ORDER.indexOf(b.policyType) ||
      (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0) ||
      a.statement - b.statement,
  );
}
