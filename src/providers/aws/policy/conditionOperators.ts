/** The table of IAM condition operators: each base operator's family and whether it is negated. */

export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export interface OperatorSpec {
  family: OperatorFamily;
  /** Negated operators (StringNotEquals, NotIpAddress...) combine values with NOR and are true when the key is absent. */
  negated: boolean;
  /** Case-insensitive string comparison. */
  ignoreCase?: boolean;
  /** `*` and `?` in policy values are wildcards. */
  wildcards?: boolean;
  /** Numeric and date comparisons. */
  compare?: 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
  /** Policy variables are substituted in values of this operator (string and ARN operators only). */
  variables: boolean;
}

export const CONDITION_OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map<string, OperatorSpec>([
  ['StringEquals', { family: 'string', negated: false, variables: true }],
  ['StringNotEquals', { family: 'string', negated: true, variables: true }],
  ['StringEqualsIgnoreCase', { family: 'string', negated: false, ignoreCase: true, variables: true }],
  ['StringNotEqualsIgnoreCase', { family: 'string', negated: true, ignoreCase: true, variables: true }],
  ['StringLike', { family: 'string', negated: false, wildcards: true, variables: true }],
  ['StringNotLike', { family: 'string', negated: true, wildcards: true, variables: true }],
  ['NumericEquals', { family: 'numeric', negated: false, compare: 'eq', variables: false }],
  ['NumericNotEquals', { family: 'numeric', negated: true, compare: 'eq', variables: false }],
  ['NumericLessThan', { family: 'numeric', negated: false, compare: 'lt', variables: false }],
  ['NumericLessThanEquals', { family: 'numeric', negated: false, compare: 'lte', variables: false }],
  ['NumericGreaterThan', { family: 'numeric', negated: false, compare: 'gt', variables: false }],
  ['NumericGreaterThanEquals', { family: 'numeric', negated: false, compare: 'gte', variables: false }],
  ['DateEquals', { family: 'date', negated: false, compare: 'eq', variables: false }],
  ['DateNotEquals', { family: 'date', negated: true, compare: 'eq', variables: false }],
  ['DateLessThan', { family: 'date', negated: false, compare: 'lt', variables: false }],
  ['DateLessThanEquals', { family: 'date', negated: false, compare: 'lte', variables: false }],
  ['DateGreaterThan', { family: 'date', negated: false, compare: 'gt', variables: false }],
  ['DateGreaterThanEquals', { family: 'date', negated: false, compare: 'gte', variables: false }],
  ['Bool', { family: 'bool', negated: false, variables: false }],
  ['BinaryEquals', { family: 'binary', negated: false, variables: false }],
  ['IpAddress', { family: 'ip', negated: false, variables: false }],
  ['NotIpAddress', { family: 'ip', negated: true, variables: false }],
  ['ArnEquals', { family: 'arn', negated: false, wildcards: true, variables: true }],
  ['ArnLike', { family: 'arn', negated: false, wildcards: true, variables: true }],
  ['ArnNotEquals', { family: 'arn', negated: true, wildcards: true, variables: true }],
  ['ArnNotLike', { family: 'arn', negated: true, wildcards: true, variables: true }],
  ['Null', { family: 'null', negated: false, variables: false }],
]);

export interface ParsedOperator {
  base: string;
  spec: OperatorSpec;
  setOperator?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined when the operator is not one AWS knows. */
export function parseConditionOperator(operator: string): ParsedOperator | undefined {
  let rest = operator;
  let setOperator: ParsedOperator['setOperator'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    if (prefix !== 'ForAnyValue' && prefix !== 'ForAllValues') return undefined;
    setOperator = prefix;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const spec = CONDITION_OPERATORS.get(rest);
  if (!spec) return undefined;
  // Null tests presence itself: neither IfExists nor a set operator makes sense with it.
  if (spec.family === 'null' && (ifExists || setOperator)) return undefined;
  return { base: rest, spec, ifExists, ...(setOperator ? { setOperator } : {}) };
}
