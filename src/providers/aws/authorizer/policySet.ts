/** A compiled policy set: every policy that can take part in one principal's requests, compiled once. */
import type { PolicyWarning } from '../policy/index.js';
import { describeUnknownAction } from '../catalog/index.js';
import type { PolicyType } from '../../../model/index.js';
import type { AwsPolicyKind } from '../policy/index.js';
import type { AwsPolicySetInput, NamedPolicy } from '../types.js';
import { compilePolicy, type CompiledPolicy } from './compiledPolicy.js';
import { decodePolicyDocument } from '../policy/index.js';

export interface CompiledPolicySet {
  identity: CompiledPolicy[];
  resource?: CompiledPolicy;
  boundary?: CompiledPolicy;
  session?: CompiledPolicy;
  /** SCP levels, root first; each level must allow. */
  scps: CompiledPolicy[][];
  /** RCP levels, root first; RCPFullAWSAccess is implied at each, so only their Deny statements restrict. */
  rcps: CompiledPolicy[][];
  /** Problems that do not stop evaluation: unknown services or actions, risky constructs. */
  warnings: PolicyWarning[];
}

export interface CompileOptions {
  /** Check every action against the catalogue and warn about unknown ones (default true). */
  validateActions?: boolean;
}

/** Warnings for action names the catalogue does not know (typos grant nothing and deny nothing). */
function actionWarnings(policy: CompiledPolicy, document: unknown): PolicyWarning[] {
  const decoded = decodePolicyDocument(document, policy.id) as { Statement?: unknown };
  const statements = Array.isArray(decoded.Statement) ? decoded.Statement : [decoded.Statement];
  const warnings: PolicyWarning[] = [];
  statements.forEach((statement, i) => {
    const s = statement as { Action?: unknown; NotAction?: unknown };
    const element = s.Action !== undefined ? 'Action' : 'NotAction';
    const raw = s.Action ?? s.NotAction;
    const actions = Array.isArray(raw) ? raw : [raw];
    for (const action of actions) {
      const problem = typeof action === 'string' ? describeUnknownAction(action) : undefined;
      if (problem) warnings.push({ path: `${policy.id}.Statement[${i}].${element}`, message: problem });
    }
  });
  return warnings;
}

/** Compiles every policy of a set; throws PolicyValidationError naming the policy and the place in it. */
export function compilePolicySet(input: AwsPolicySetInput, options: CompileOptions = {}): CompiledPolicySet {
  const validate = options.validateActions !== false;
  const all: { policy: CompiledPolicy; document: unknown }[] = [];
  const compile = (named: NamedPolicy, kind: AwsPolicyKind, type: PolicyType): CompiledPolicy => {
    const policy = compilePolicy(named, kind, type);
    all.push({ policy, document: named.document });
    return policy;
  };
  const set: CompiledPolicySet = {
    identity: (input.identityPolicies ?? []).map((p) => compile(p, 'identity', 'identity')),
    scps: (input.scps ?? []).map((level) => level.map((p) => compile(p, 'scp', 'scp'))),
    rcps: (input.rcps ?? []).map((level) => level.map((p) => compile(p, 'rcp', 'rcp'))),
    warnings: [],
  };
  if (input.resourcePolicy) set.resource = compile(input.resourcePolicy, 'resource', 'resource');
  if (input.permissionsBoundary) {
    set.boundary = compile(input.permissionsBoundary, 'permissions-boundary', 'permissions-boundary');
  }
  if (input.sessionPolicy) set.session = compile(input.sessionPolicy, 'session', 'session');
  for (const { policy, document } of all) {
    set.warnings.push(...policy.warnings);
    if (validate) set.warnings.push(...actionWarnings(policy, document));
  }
  return set;
}
