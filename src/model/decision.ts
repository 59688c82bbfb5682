/**
 * The answer of an authorizer: what it decided and the statements that decided it.
 * Cloud-neutral: each provider maps its own policy kinds onto `policyType` names.
 */

export type DecisionKind = 'allow' | 'explicit-deny' | 'implicit-deny' | 'conditional';

/** The kind of policy a statement came from. Providers use the names that apply to their cloud. */
export type PolicyType =
  'identity' | 'resource' | 'permissions-boundary' | 'session' | 'scp' | 'rcp' | (string & {});

/** A statement that took part in the decision (it matched, or it may match under unknown context). */
export interface StatementReason {
  kind: 'statement';
  policyType: PolicyType;
  /** The policy's id: an ARN or name in an estate, a position such as `identityPolicies[0]` in a request file. */
  policy: string;
  /** 0-based index of the statement inside the policy document. */
  statement: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Present when the statement matches only if these context keys have suitable values. */
  conditionKeys?: string[];
}

/** A policy layer that must allow the request but has no statement that does. */
export interface NoAllowReason {
  kind: 'no-allow';
  policyType: PolicyType;
  /** The layer, e.g. `scps[1]`, when the layer has a name. */
  policy?: string;
  message: string;
}

export type DecisionReason = StatementReason | NoAllowReason;

interface DecisionBase {
  /** The statements or layers that decided; the deciding ones first. */
  reasons: DecisionReason[];
}

export interface AllowDecision extends DecisionBase {
  decision: 'allow';
}
export interface ExplicitDenyDecision extends DecisionBase {
  decision: 'explicit-deny';
}
export interface ImplicitDenyDecision extends DecisionBase {
  decision: 'implicit-deny';
}
/** The decision depends on context keys the request does not carry; ares never guesses them. */
export interface ConditionalDecision extends DecisionBase {
  decision: 'conditional';
  missingContextKeys: string[];
  /** The decisions that remain possible, depending on the missing keys. */
  possibleDecisions: Exclude<DecisionKind, 'conditional'>[];
}

export type Decision = AllowDecision | ExplicitDenyDecision | ImplicitDenyDecision | ConditionalDecision;
