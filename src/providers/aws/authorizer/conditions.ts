/**
 * Condition evaluation: each clause (operator, key, values) compiled once into a function of the request
 * context that answers YES, NO or MAYBE (the key is unknown and the answer depends on it).
 */
import { parseConditionOperator, type ConditionClause, type OperatorSpec } from '../policy/index.js';
import { arnPattern, toArnValue } from './arn.js';
import { InternTable } from './intern.js';
import type { EvaluationScope } from './evaluationScope.js';
import { cidrContainsAddress, parseCidr, parseIpAddressCached, type CidrRange } from './ip.js';
import {
  compileTokens,
  hasVariables,
  resolveTokens,
  tokenizePattern,
  tokensToText,
  variableKeys,
  type PatternToken,
} from './pattern.js';
import { MAYBE, NO, YES, and3, not3, or3, type Tri } from './tristate.js';

/** Does one request value match any of the clause's policy values (before negation)? */
type ValueMatcher = (value: string, scope: EvaluationScope) => Tri;

export interface CompiledCondition {
  clause: ConditionClause;
  /** Every context key the clause reads: its own key and keys of variables in its values. */
  keys: string[];
  evaluate(scope: EvaluationScope): Tri;
}

function parseDate(text: string): number {
  const trimmed = text.trim();
  // Epoch seconds (as aws:EpochTime carries them) or an ISO 8601 date.
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? NaN : ms;
}

const base64Forms = new InternTable<string>(10_000);

/** The canonical base64 form of a value (decoded and encoded again), remembered per text. */
function canonicalBase64(text: string): string {
  return base64Forms.get(text) ?? base64Forms.set(text, Buffer.from(text, 'base64').toString('base64'));
}

function parseNumber(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? NaN : Number(trimmed);
}

function compareWith(op: NonNullable<OperatorSpec['compare']>): (a: number, b: number) => boolean {
  switch (op) {
    case 'eq':
      return (a, b) => a === b;
    case 'lt':
      return (a, b) => a < b;
    case 'lte':
      return (a, b) => a <= b;
    case 'gt':
      return (a, b) => a > b;
    case 'gte':
      return (a, b) => a >= b;
  }
}

/** String operators with variables: resolve per request, then compare. */
function stringMatcherWithVariables(tokens: PatternToken[][], spec: OperatorSpec): ValueMatcher {
  return (value, scope) => {
    let result: Tri = NO;
    const subject = spec.ignoreCase ? value.toLowerCase() : value;
    for (const pattern of tokens) {
      const before = scope.missingCount();
      const resolved = resolveTokens(pattern, scope.variable);
      if (!resolved) {
        if (scope.missingCount() > before) result = MAYBE;
        continue;
      }
      const matches = spec.wildcards
        ? compileTokens(resolved)(subject)
        : (spec.ignoreCase ? tokensToText(resolved).toLowerCase() : tokensToText(resolved)) === subject;
      if (matches) return YES;
    }
    return result;
  };
}

function compileValueMatcher(spec: OperatorSpec, values: string[], variablesAllowed: boolean): ValueMatcher {
  switch (spec.family) {
    case 'string': {
      const tokens = values.map((v) => tokenizePattern(v, variablesAllowed, spec.wildcards === true));
      if (tokens.some(hasVariables)) return stringMatcherWithVariables(tokens, spec);
      if (spec.wildcards) {
        const matchers = tokens.map((t) => compileTokens(t));
        return (value) => (matchers.some((m) => m(value)) ? YES : NO);
      }
      const set = new Set(
        tokens.map((t) => (spec.ignoreCase ? tokensToText(t).toLowerCase() : tokensToText(t))),
      );
      return spec.ignoreCase
        ? (value) => (set.has(value.toLowerCase()) ? YES : NO)
        : (value) => (set.has(value) ? YES : NO);
    }
    case 'numeric':
    case 'date': {
      const parse = spec.family === 'numeric' ? parseNumber : parseDate;
      const policyValues = values.map(parse).filter((n) => !Number.isNaN(n));
      const compare = compareWith(spec.compare ?? 'eq');
      return (value) => {
        const n = parse(value);
        if (Number.isNaN(n)) return NO;
        return policyValues.some((p) => compare(n, p)) ? YES : NO;
      };
    }
    case 'bool': {
      const set = new Set(values.map((v) => v.toLowerCase()));
      return (value) => (set.has(value.toLowerCase()) ? YES : NO);
    }
    case 'binary': {
      const set = new Set(values.map(canonicalBase64));
      return (value) => (set.has(canonicalBase64(value)) ? YES : NO);
    }
    case 'ip': {
      const ranges = values.map(parseCidr).filter((r): r is CidrRange => r !== undefined);
      return (value) => {
        const address = parseIpAddressCached(value);
        return ranges.some((r) => cidrContainsAddress(r, address)) ? YES : NO;
      };
    }
    case 'arn': {
      const patterns = values.map((v) => arnPattern(v, variablesAllowed));
      return (value, scope) => {
        const subject = toArnValue(value);
        // A request value that is not an ARN matches no ARN pattern.
        if (!subject.parts) return NO;
        let result: Tri = NO;
        for (const pattern of patterns) {
          const before = scope.missingCount();
          const matches = pattern.matches(subject, scope.variable);
          if (matches === true) return YES;
          if (matches === undefined && scope.missingCount() > before) result = MAYBE;
        }
        return result;
      };
    }
    case 'null':
      return () => NO;
  }
}

/** Combines a matcher over every request value (or3 for ForAnyValue, and3 for ForAllValues), stopping at `decisive`. */
function overValues(
  values: readonly string[],
  one: ValueMatcher,
  scope: EvaluationScope,
  combine: (a: Tri, b: Tri) => Tri,
  decisive: Tri,
): Tri {
  let result: Tri = decisive === YES ? NO : YES;
  for (const value of values) {
    result = combine(result, one(value, scope));
    if (result === decisive) break;
  }
  return result;
}

/**
 * Compiled clauses by operator, key and value as written (per policy version): nested maps over the document's own
 * strings, whose hashes V8 keeps, so a look-up builds no key. Clauses with several values go by their JSON.
 */
const single = [new Map<string, Map<string, InternTable<CompiledCondition>>>(), new Map()];
const multi = new InternTable<CompiledCondition>(50_000);

function singleValueTable(
  variablesAllowed: boolean,
  operator: string,
  key: string,
): InternTable<CompiledCondition> {
  const byOperator = single[variablesAllowed ? 1 : 0] as Map<
    string,
    Map<string, InternTable<CompiledCondition>>
  >;
  let byKey = byOperator.get(operator);
  if (!byKey || byKey.size > 10_000) {
    byKey = new Map();
    byOperator.set(operator, byKey);
  }
  let table = byKey.get(key);
  if (!table) {
    table = new InternTable(10_000);
    byKey.set(key, table);
  }
  return table;
}

/**
 * Compiles one clause; `variablesAllowed` is false for 2008-10-17 documents. Clauses written alike (operator, key
 * and values as written) share one compiled condition.
 */
export function compileCondition(clause: ConditionClause, variablesAllowed: boolean): CompiledCondition {
  if (clause.values.length === 1) {
    const table = singleValueTable(variablesAllowed, clause.operator, clause.keyAsWritten);
    const value = clause.values[0] as string;
    return table.get(value) ?? table.set(value, compileClause(clause, variablesAllowed));
  }
  const key = JSON.stringify([variablesAllowed, clause.operator, clause.keyAsWritten, clause.values]);
  return multi.get(key) ?? multi.set(key, compileClause(clause, variablesAllowed));
}

function compileClause(clause: ConditionClause, variablesAllowed: boolean): CompiledCondition {
  const parsed = parseConditionOperator(clause.operator);
  if (!parsed) throw new Error(`unreachable: operator ${clause.operator} was validated at parse time`);
  const { spec } = parsed;
  const substitutes = variablesAllowed && spec.variables;
  const keys = [clause.key];
  if (substitutes) {
    for (const v of clause.values) keys.push(...variableKeys(tokenizePattern(v, true)));
  }

  if (spec.family === 'null') {
    const wantsAbsent = clause.values.map((v) => v.toLowerCase() === 'true');
    return {
      clause,
      keys,
      evaluate(scope) {
        const values = scope.values(clause.key);
        if (values === undefined) return MAYBE;
        const absent = values === null || values.length === 0;
        return wantsAbsent.some((want) => want === absent) ? YES : NO;
      },
    };
  }

  const positive = compileValueMatcher(spec, clause.values, substitutes);
  const one: ValueMatcher = spec.negated ? (v, s) => not3(positive(v, s)) : positive;
  const { setOperator, ifExists } = clause;

  // When the key is present, a negated operator whose value has a variable with no value does not apply: "If AWS
  // cannot resolve a variable, this might cause the entire statement to be invalid" (IAM User Guide, policy
  // variables). For positive operators such a value simply matches nothing.
  const unresolvedGuard =
    spec.negated && substitutes
      ? clause.values.map((v) => tokenizePattern(v, true)).filter((tokens) => hasVariables(tokens))
      : [];

  return {
    clause,
    keys,
    evaluate(scope) {
      const values = scope.values(clause.key);
      if (values === undefined) return MAYBE;
      if (values === null || values.length === 0) {
        // ForAnyValue over an empty set is false, IfExists or not (IAM User Guide, set operators).
        if (setOperator === 'ForAnyValue') return NO;
        if (ifExists || setOperator === 'ForAllValues') return YES;
        // An absent key does not match; a negated operator is then satisfied.
        return spec.negated ? YES : NO;
      }
      for (const tokens of unresolvedGuard) {
        const before = scope.missingCount();
        if (!resolveTokens(tokens, scope.variable)) return scope.missingCount() > before ? MAYBE : NO;
      }
      if (setOperator === 'ForAnyValue') return overValues(values, one, scope, or3, YES);
      if (setOperator === 'ForAllValues') return overValues(values, one, scope, and3, NO);
      // Multivalued keys require a set operator (AWS: reference_policies_condition-single-vs-multi-valued-context-keys);
      // without one, a request carrying several values matches nothing.
      if (values.length > 1) return NO;
      return one(values[0] as string, scope);
    },
  };
}
