/**
 * Compiling a policy document once: statements get compiled action, resource, principal and condition matchers,
 * shared with every statement that writes the same text; a request evaluates only the statements whose Action
 * element names its action (a small policy is scanned, a large one remembers its candidates per action).
 */
import type { PolicyType, StatementReason } from '../../../model/index.js';
import {
  parsePolicyDocument,
  type AwsPolicyKind,
  type AwsStatement,
  type ConditionClause,
  type PolicyWarning,
} from '../policy/index.js';
import type { NamedPolicy } from '../types.js';
import { actionTest, type ActionTest } from './actionTest.js';
import { arnPattern, type ArnPattern } from './arn.js';
import { singletonList } from './intern.js';
import { compileCondition, type CompiledCondition } from './conditions.js';
import { globMatcher, variableKeys, type StringMatcher } from './pattern.js';
import { matchPrincipal, notPrincipalExempts, type PrincipalMatch } from './principalMatch.js';
import type { EvaluationScope } from './evaluationScope.js';
import type { InternedAction } from './requestContext.js';
import { MAYBE, NO, YES, and3, type Tri } from './tristate.js';
import type { PrincipalBlock } from '../policy/index.js';

export interface CompiledStatement {
  /** The statement as reported in a decision's reasons. */
  reason: StatementReason;
  effect: 'Allow' | 'Deny';
  /** The Action / NotAction patterns as written. */
  actionPatterns: string[];
  /** Full `service:action` matcher over lower-cased actions (shared by statements with the same list: never mutate). */
  actions: StringMatcher[];
  negateActions: boolean;
  /** Whether the Action / NotAction element names a request's action (shared by statements with the same list). */
  actionTest: ActionTest;
  /** Shared by statements that write the same list: never mutate. */
  resources: ArnPattern[] | undefined;
  negateResources: boolean;
  principal: PrincipalBlock | undefined;
  negatePrincipal: boolean;
  /** Shared by statements that write the same clauses: never mutate. */
  conditions: CompiledCondition[];
}

interface IndexedStatement {
  statement: CompiledStatement;
  /** For the per-service index: matchers over the action name only. Absent: check `statement.actions`. */
  names?: StringMatcher[];
}

export interface CompiledPolicy {
  id: string;
  type: PolicyType;
  kind: AwsPolicyKind;
  statementCount: number;
  /** Every statement, in document order. */
  statements: CompiledStatement[];
  /** Statements by the literal services their Action element names (built on first use). */
  byService: Map<string, IndexedStatement[]>;
  /** Statements with a NotAction element or a wildcard service (built on first use). */
  anyService: IndexedStatement[];
  warnings: PolicyWarning[];
}

/** Policies up to this many statements are scanned in order; larger ones remember their candidates per action. */
const SCAN_LIMIT = 8;
/** How many actions a large policy remembers candidates for before it starts over. */
const CANDIDATES_LIMIT = 1024;

const NO_CONDITIONS: CompiledCondition[] = [];

function compileResources(patterns: string[], variables: boolean): ArnPattern[] {
  if (patterns.length === 1) return singletonList(arnPattern(patterns[0] as string, variables));
  return patterns.map((r) => arnPattern(r, variables));
}

function compileConditions(clauses: ConditionClause[], variables: boolean): CompiledCondition[] {
  if (clauses.length === 0) return NO_CONDITIONS;
  if (clauses.length === 1) return singletonList(compileCondition(clauses[0] as ConditionClause, variables));
  return clauses.map((c) => compileCondition(c, variables));
}

/** The context keys a statement reads: its conditions' keys and the variables of its Resource patterns. */
function conditionKeysOf(conditions: CompiledCondition[], resources: ArnPattern[] | undefined): string[] {
  let variableResources = false;
  for (const pattern of resources ?? []) if (pattern.variables) variableResources = true;
  if (conditions.length === 0 && !variableResources) return [];
  const keys = new Set<string>();
  for (const condition of conditions) for (const key of condition.keys) keys.add(key);
  for (const pattern of resources ?? []) {
    if (pattern.variables) for (const key of variableKeys(pattern.tokens)) keys.add(key);
  }
  return [...keys];
}

function compileStatement(
  statement: AwsStatement,
  id: string,
  type: PolicyType,
  variables: boolean,
): CompiledStatement {
  const reason: StatementReason = {
    kind: 'statement',
    policyType: type,
    policy: id,
    statement: statement.index,
    effect: statement.effect,
    ...(statement.sid ? { sid: statement.sid } : {}),
  };
  const actionPatterns = statement.action ?? statement.notAction ?? [];
  const negateActions = statement.notAction !== undefined;
  const test = actionTest(
    actionPatterns.map((a) => a.toLowerCase()),
    negateActions,
  );
  const resourcePatterns = statement.resource ?? statement.notResource;
  const conditions = compileConditions(statement.conditions, variables);
  const resources = resourcePatterns && compileResources(resourcePatterns, variables);
  const conditionKeys = conditionKeysOf(conditions, resources);
  if (conditionKeys.length > 0) reason.conditionKeys = conditionKeys;
  // Evaluation reads the first fields of every statement and the rest only of those that match: first fields first,
  // so that rejecting a statement touches one cache line.
  return {
    actionTest: test,
    effect: statement.effect,
    principal: statement.principal ?? statement.notPrincipal,
    negatePrincipal: statement.notPrincipal !== undefined,
    resources,
    negateResources: statement.notResource !== undefined,
    conditions,
    reason,
    actionPatterns,
    actions: test.full,
    negateActions,
  };
}

function indexStatements(statements: CompiledStatement[]): {
  byService: Map<string, IndexedStatement[]>;
  anyService: IndexedStatement[];
} {
  const byService = new Map<string, IndexedStatement[]>();
  const anyService: IndexedStatement[] = [];
  for (const statement of statements) {
    if (statement.negateActions) {
      anyService.push({ statement });
      continue;
    }
    const perService = new Map<string, StringMatcher[]>();
    let wildcardService = false;
    for (const action of statement.actionPatterns) {
      const lower = action.toLowerCase();
      const colon = lower.indexOf(':');
      const service = colon < 0 ? '*' : lower.slice(0, colon);
      if (service.includes('*') || service.includes('?')) {
        wildcardService = true;
        continue;
      }
      const names = perService.get(service) ?? [];
      names.push(globMatcher(lower.slice(colon + 1)));
      perService.set(service, names);
    }
    // A statement with a wildcard service is checked in full for every request; listing it per service too would repeat it.
    if (wildcardService) {
      anyService.push({ statement });
      continue;
    }
    for (const [service, names] of perService) {
      const list = byService.get(service) ?? [];
      list.push({ statement, names });
      byService.set(service, list);
    }
  }
  return { byService, anyService };
}

/** The statements of a large policy whose Action element names the action, remembered per action. */
const candidateMemos = new WeakMap<CompiledPolicy, Map<string, CompiledStatement[]>>();

function candidatesFor(policy: CompiledPolicy, action: InternedAction): CompiledStatement[] {
  let memo = candidateMemos.get(policy);
  if (!memo) {
    memo = new Map();
    candidateMemos.set(policy, memo);
  }
  let candidates = memo.get(action.full);
  if (!candidates) {
    candidates = policy.statements.filter((statement) => statement.actionTest.covers(action));
    if (memo.size >= CANDIDATES_LIMIT) memo.clear();
    memo.set(action.full, candidates);
  }
  return candidates;
}

/** A compiled policy; the service index serves the estate's look-ups, not evaluation, so it is built when first asked for. */
class Compiled implements CompiledPolicy {
  readonly statementCount: number;
  private index: ReturnType<typeof indexStatements> | undefined;

  constructor(
    readonly id: string,
    readonly type: PolicyType,
    readonly kind: AwsPolicyKind,
    readonly statements: CompiledStatement[],
    readonly warnings: PolicyWarning[],
  ) {
    this.statementCount = statements.length;
  }

  get byService(): Map<string, IndexedStatement[]> {
    return (this.index ??= indexStatements(this.statements)).byService;
  }

  get anyService(): IndexedStatement[] {
    return (this.index ??= indexStatements(this.statements)).anyService;
  }
}

/** Parses, validates and compiles one policy; throws PolicyValidationError naming `named.id` and the problem. */
export function compilePolicy(named: NamedPolicy, kind: AwsPolicyKind, type: PolicyType): CompiledPolicy {
  const { document, warnings } = parsePolicyDocument(named.document, kind, named.id);
  const variables = document.version === '2012-10-17';
  const statements = document.statements.map((s) => compileStatement(s, named.id, type, variables));
  return new Compiled(named.id, type, kind, statements, warnings);
}

/** A statement that matched the request, or may match depending on unknown context keys. */
export interface StatementMatch {
  statement: CompiledStatement;
  /** Which layer of the policy set the statement belongs to (the caller's numbering). */
  layer: number;
  result: Tri;
  principal: PrincipalMatch;
  missingKeys: string[] | null;
}

/** Whether the statement's Action/NotAction element covers an action (any case). */
export function statementCoversAction(statement: CompiledStatement, action: string): boolean {
  return anyMatches(statement.actions, action.toLowerCase()) !== statement.negateActions;
}

function anyMatches(matchers: StringMatcher[], value: string): boolean {
  for (const m of matchers) if (m(value)) return true;
  return false;
}

function matchResource(statement: CompiledStatement, scope: EvaluationScope): Tri {
  const patterns = statement.resources;
  if (!patterns) return YES; // resource policies may omit Resource: they apply to the resource they are attached to
  let result: Tri = NO;
  const resource = scope.request.resource;
  for (const pattern of patterns) {
    const before = scope.missingCount();
    let matches: boolean | undefined;
    if (resource.pattern) {
      // A resource that stands for generated names: a pattern covering only some of them may match.
      const relation = pattern.relate(resource, scope.variable);
      if (relation === 'some') {
        // What decides it is the name CloudFormation picks, named so the finding says so.
        scope.noteUnknown(`generated name of ${resource.parts?.[5] ?? resource.text}`);
        result = MAYBE;
        continue;
      }
      matches = relation === undefined ? undefined : relation === 'all';
    } else {
      matches = pattern.matches(resource, scope.variable);
    }
    if (matches === true) {
      result = YES;
      break;
    }
    if (matches === undefined) {
      // A variable with no value: the element cannot match (for NotResource too); unknown keys leave it open.
      if (scope.missingCount() > before) result = MAYBE;
      else if (statement.negateResources) return NO;
    }
  }
  if (!statement.negateResources) return result;
  return result === YES ? NO : result === MAYBE ? MAYBE : YES;
}

function evaluateStatement(
  statement: CompiledStatement,
  scope: EvaluationScope,
  out: StatementMatch[],
  layer: number,
): void {
  let principal: PrincipalMatch = 'direct';
  if (statement.principal) {
    const caller = scope.request.principal;
    if (statement.negatePrincipal) {
      // A NotPrincipal Deny always applies to a principal with a permissions boundary (IAM User Guide, boundaries).
      if (!scope.request.callerHasBoundary && notPrincipalExempts(statement.principal, caller)) return;
    } else {
      const match = matchPrincipal(statement.principal, caller);
      if (match === 'none') return;
      principal = match;
    }
  }
  scope.takeMissing();
  let result = matchResource(statement, scope);
  for (let i = 0; i < statement.conditions.length && result !== NO; i++) {
    result = and3(result, (statement.conditions[i] as CompiledCondition).evaluate(scope));
  }
  const missingKeys = scope.takeMissing();
  if (result === NO) return;
  out.push({ statement, layer, result, principal, missingKeys: result === MAYBE ? missingKeys : null });
}

/** Appends to `out` every statement of `policy` that matches (or may match) the request. */
export function matchPolicy(
  policy: CompiledPolicy,
  scope: EvaluationScope,
  out: StatementMatch[],
  layer = 0,
): void {
  const { action } = scope.request;
  const statements = policy.statements;
  if (statements.length <= SCAN_LIMIT) {
    for (const statement of statements) {
      if (statement.actionTest.covers(action)) evaluateStatement(statement, scope, out, layer);
    }
    return;
  }
  for (const statement of candidatesFor(policy, action)) evaluateStatement(statement, scope, out, layer);
}

export { MAYBE, NO, YES };
