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

// Layers of a policy set, as tags on the statements that matched; SCP level i is SCP + i.
const IDENTITY = 0;
const RESOURCE = 1;
const BOUNDARY = 2;
const SESSION = 3;
const RCP = 4;
const SCP = 5;

function reasonOf(match: StatementMatch): StatementReason {
  return match.statement.reason;
}

function noAllow(policyType: NoAllowReason['policyType'], message: string, policy?: string): NoAllowReason {
  return policy
    ? { kind: 'no-allow', policyType, message, policy }
    : { kind: 'no-allow', policyType, message };
}

/** The reasons of the matches with this effect (and, when given, this result), outside the RCP layer for Allow. */
function reasonsOf(
  matches: readonly StatementMatch[],
  effect: 'Allow' | 'Deny',
  result?: Tri,
): StatementReason[] {
  const out: StatementReason[] = [];
  for (const m of matches) {
    if (m.statement.effect !== effect || (result !== undefined && m.result !== result)) continue;
    if (effect === 'Allow' && m.layer === RCP) continue;
    out.push(m.statement.reason);
  }
  return out;
}

let sharedScope: EvaluationScope | undefined;

/** Decides one request against a compiled policy set. Pure and synchronous. */
export function authorize(
  request: AwsRequest,
  policies: CompiledPolicySet,
  options: AuthorizeOptions = {},
): Decision {
  const prepared = prepareRequest(request, options, policies.boundary !== undefined);
  // Evaluation never re-enters itself, so one scope object serves every call.
  const scope = sharedScope ? sharedScope.reset(prepared) : (sharedScope = new EvaluationScope(prepared));
  const caller = prepared.principal;
  const isService = caller.kind === 'service';

  const matches: StatementMatch[] = [];
  // SCPs govern principals of member accounts; not service-linked roles, not AWS service principals.
  const scpLevels = !caller.serviceLinked && !isService ? policies.scps.length : 0;
  for (let level = 0; level < scpLevels; level++) {
    for (const policy of policies.scps[level] as CompiledPolicy[])
      matchPolicy(policy, scope, matches, SCP + level);
  }
  // RCPFullAWSAccess is attached everywhere, so RCPs can only deny, and only for services that support them.
  if (
    !caller.serviceLinked &&
    policies.rcps.length > 0 &&
    servicesWithRcpSupport().has(prepared.action.service)
  ) {
    for (const level of policies.rcps) for (const policy of level) matchPolicy(policy, scope, matches, RCP);
  }
  if (!isService) for (const policy of policies.identity) matchPolicy(policy, scope, matches, IDENTITY);
  if (policies.resource) matchPolicy(policies.resource, scope, matches, RESOURCE);
  if (policies.boundary && !isService) matchPolicy(policies.boundary, scope, matches, BOUNDARY);
  if (policies.session && !isService) matchPolicy(policies.session, scope, matches, SESSION);

  let denyResult: Tri = NO;
  let identityResult: Tri = NO;
  let resourceResult: Tri = NO;
  let resourceDirect: Tri = NO;
  let resourceLimited: Tri = NO;
  let boundaryResult: Tri = policies.boundary && !isService ? NO : YES;
  let sessionResult: Tri = policies.session && !isService ? NO : YES;
  const scpResults: Tri[] = new Array<Tri>(scpLevels).fill(NO);
  for (const match of matches) {
    const r = match.result;
    if (match.statement.effect === 'Deny') {
      denyResult = or3(denyResult, r);
      continue;
    }
    switch (match.layer) {
      case IDENTITY:
        identityResult = or3(identityResult, r);
        break;
      case RESOURCE:
        resourceResult = or3(resourceResult, r);
        if (match.principal === 'direct') resourceDirect = or3(resourceDirect, r);
        // A grant to the caller's role (or to a service) is limited by boundary and session policy; a grant to
        // the account only delegates to identity-based policies, which must allow on their own.
        else if (match.principal === 'role' || match.principal === 'service')
          resourceLimited = or3(resourceLimited, r);
        break;
      case BOUNDARY:
        boundaryResult = or3(boundaryResult, r);
        break;
      case SESSION:
        sessionResult = or3(sessionResult, r);
        break;
      case RCP:
        break;
      default:
        scpResults[match.layer - SCP] = or3(scpResults[match.layer - SCP] as Tri, r);
    }
  }
  let scpResult: Tri = YES;
  for (const r of scpResults) scpResult = and3(scpResult, r);
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

  const denies = (): StatementMatch[] => matches.filter((m) => m.statement.effect === 'Deny');
  if (denyResult === YES) {
    return { decision: 'explicit-deny', reasons: sortReasons(reasonsOf(matches, 'Deny', YES)) };
  }
  if (denyResult === NO && allowResult === YES) {
    return { decision: 'allow', reasons: sortReasons(reasonsOf(matches, 'Allow', YES)) };
  }
  if (denyResult === NO && allowResult === NO) {
    const reasons: DecisionReason[] = [];
    for (let i = 0; i < scpResults.length; i++) {
      if (scpResults[i] === NO)
        reasons.push(noAllow('scp', `no statement of SCP level ${i} allows the request`, `scps[${i}]`));
    }
    if (grant === NO) {
      reasons.push(
        ...grantFailures(prepared.sameAccount, isService, {
          identityResult,
          resourceResult,
          boundaryResult,
          sessionResult,
          policies,
        }),
      );
    }
    return { decision: 'implicit-deny', reasons };
  }

  // The answer depends on unknown context keys: report what is possible and which keys decide it.
  const possible = new Set<Exclude<DecisionKind, 'conditional'>>();
  if (denyResult !== NO) possible.add('explicit-deny');
  if (allowResult !== NO) possible.add('allow');
  if (allowResult !== YES) possible.add('implicit-deny');
  const relevant: StatementMatch[] = [];
  if (denyResult === MAYBE) relevant.push(...denies());
  if (allowResult === MAYBE)
    relevant.push(...matches.filter((m) => m.statement.effect === 'Allow' && m.layer !== RCP));
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

function byTypePolicyStatement(a: StatementReason, b: StatementReason): number {
  return (
    TYPE_ORDER.indexOf(a.policyType) - TYPE_ORDER.indexOf(b.policyType) ||
    (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0) ||
    a.statement - b.statement
  );
}

/** Distinct reasons (first occurrence kept) in a stable order; `reasons` is a fresh array the caller gives up. */
function sortReasons(reasons: StatementReason[]): StatementReason[] {
  if (reasons.length < 2) return reasons;
  const seen = new Set<StatementReason>();
  const unique = reasons.filter((r) => (seen.has(r) ? false : (seen.add(r), true)));
  return unique.sort(byTypePolicyStatement);
}
