/**
 * Compiling a policy document once: statements get compiled action, resource, principal and condition matchers,
 * and are indexed by service so that a request only looks at statements that can name its action.
 */
import type { PolicyType, StatementReason } from '../../../model/index.js';
import {
  parsePolicyDocument,
  type AwsPolicyKind,
  type AwsStatement,
  type PolicyWarning,
} from '../policy/index.js';
import type { NamedPolicy } from '../types.js';
import { ArnPattern } from './arn.js';
import { compileCondition, type CompiledCondition } from './conditions.js';
import { compileTokens, tokenizePattern, variableKeys, type StringMatcher } from './pattern.js';
import { matchPrincipal, notPrincipalExempts, type PrincipalMatch } from './principalMatch.js';
import type { EvaluationScope } from './evaluationScope.js';
import { MAYBE, NO, YES, and3, type Tri } from './tristate.js';
import type { PrincipalBlock } from '../policy/index.js';

export interface CompiledStatement {
  /** The statement as reported in a decision's reasons. */
  reason: StatementReason;
  effect: 'Allow' | 'Deny';
  /** The Action / NotAction patterns as written. */
  actionPatterns: string[];
  /** Full `service:action` matcher over lower-cased actions (used for NotAction and wildcard services). */
  actions: StringMatcher[];
  negateActions: boolean;
  resources: ArnPattern[] | undefined;
  negateResources: boolean;
  principal: PrincipalBlock | undefined;
  negatePrincipal: boolean;
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
  byService: Map<string, IndexedStatement[]>;
  anyService: IndexedStatement[];
  warnings: PolicyWarning[];
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
  const resourcePatterns = statement.resource ?? statement.notResource;
  const conditions = statement.conditions.map((c) => compileCondition(c, variables));
  const conditionKeys = new Set(conditions.flatMap((c) => c.keys));
  for (const pattern of resourcePatterns ?? []) {
    for (const key of variableKeys(tokenizePattern(pattern, variables))) conditionKeys.add(key);
  }
  if (conditionKeys.size > 0) reason.conditionKeys = [...conditionKeys];
  return {
    reason,
    effect: statement.effect,
    actionPatterns,
    actions: actionPatterns.map((a) => compileTokens(tokenizePattern(a.toLowerCase(), false))),
    negateActions: statement.notAction !== undefined,
    resources: resourcePatterns?.map((r) => new ArnPattern(r, variables)),
    negateResources: statement.notResource !== undefined,
    principal: statement.principal ?? statement.notPrincipal,
    negatePrincipal: statement.notPrincipal !== undefined,
    conditions,
  };
}

function indexStatements(statements: CompiledStatement[], documentStatements: AwsStatement[]) {
  const byService = new Map<string, IndexedStatement[]>();
  const anyService: IndexedStatement[] = [];
  statements.forEach((statement, i) => {
    const source = documentStatements[i] as AwsStatement;
    if (!source.action) {
      anyService.push({ statement });
      return;
    }
    const perService = new Map<string, StringMatcher[]>();
    let wildcardService = false;
    for (const action of source.action) {
      const lower = action.toLowerCase();
      const colon = lower.indexOf(':');
      const service = colon < 0 ? '*' : lower.slice(0, colon);
      if (service.includes('*') || service.includes('?')) {
        wildcardService = true;
        continue;
      }
      const names = perService.get(service) ?? [];
      names.push(compileTokens(tokenizePattern(lower.slice(colon + 1), false)));
      perService.set(service, names);
    }
    // A statement with a wildcard service is checked in full for every request; listing it per service too would repeat it.
    if (wildcardService) {
      anyService.push({ statement });
      return;
    }
    for (const [service, names] of perService) {
      const list = byService.get(service) ?? [];
      list.push({ statement, names });
      byService.set(service, list);
    }
  });
  return { byService, anyService };
}

/** Parses, validates and compiles one policy; throws PolicyValidationError naming `named.id` and the problem. */
export function compilePolicy(named: NamedPolicy, kind: AwsPolicyKind, type: PolicyType): CompiledPolicy {
  const { document, warnings } = parsePolicyDocument(named.document, kind, named.id);
  const variables = document.version === '2012-10-17';
  const statements = document.statements.map((s) => compileStatement(s, named.id, type, variables));
  return {
    id: named.id,
    type,
    kind,
    statementCount: statements.length,
    statements,
    ...indexStatements(statements, document.statements),
    warnings,
  };
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
  const candidates = policy.byService.get(action.service);
  if (candidates) {
    for (const { statement, names } of candidates) {
      if (names && anyMatches(names, action.name)) evaluateStatement(statement, scope, out, layer);
    }
  }
  for (const { statement } of policy.anyService) {
    if (anyMatches(statement.actions, action.full) !== statement.negateActions) {
      evaluateStatement(statement, scope, out, layer);
    }
  }
}

export { MAYBE, NO, YES };
