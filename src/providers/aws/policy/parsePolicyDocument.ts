/**
 * Parses and validates one AWS policy document, given as an object, a JSON string, or a URL-encoded JSON
 * string (the AWS SDK returns IAM documents URL-encoded, the CLI decodes them). Every error names the place.
 */
import { PolicyValidationError } from '../errors.js';
import { parseConditionOperator } from './conditionOperators.js';
import type {
  AwsPolicyDocument,
  AwsPolicyKind,
  AwsStatement,
  ConditionClause,
  PolicyWarning,
  PrincipalBlock,
} from './policyDocument.js';

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
/** Policy kinds attached to a resource: they name whom they apply to. */
const NAMES_PRINCIPALS = new Set<AwsPolicyKind>(['resource', 'trust', 'rcp']);
/** Trust policies apply to the role they are attached to, so they carry no Resource. */
const RESOURCE_OPTIONAL = new Set<AwsPolicyKind>(['resource', 'trust']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes the three accepted forms into a plain JSON value. */
export function decodePolicyDocument(raw: unknown, path: string): unknown {
  if (typeof raw !== 'string') return raw;
  let text = raw.trim();
  if (!text.startsWith('{') && text.includes('%')) {
    try {
      text = decodeURIComponent(text.replace(/\+/g, '%20'));
    } catch {
      throw new PolicyValidationError(path, 'is neither JSON nor valid URL-encoded JSON');
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyValidationError(path, `is not valid JSON (${reason})`);
  }
}

function stringList(value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PolicyValidationError(path, 'must not be an empty list');
  return list.map((item, i) => {
    if (typeof item !== 'string') {
      throw new PolicyValidationError(Array.isArray(value) ? `${path}[${i}]` : path, 'must be a string');
    }
    return item;
  });
}

function parseActions(value: unknown, path: string): string[] {
  const actions = stringList(value, path);
  actions.forEach((action, i) => {
    if (action !== '*' && !/^[^:\s]+:[^:\s]+$/.test(action.trim())) {
      throw new PolicyValidationError(
        Array.isArray(value) ? `${path}[${i}]` : path,
        `"${action}" is not "*" or of the form service:action`,
      );
    }
  });
  return actions.map((action) => action.trim());
}

function parsePrincipal(value: unknown, path: string): PrincipalBlock {
  const block: PrincipalBlock = { wildcard: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (value === '*') {
    block.wildcard = true;
    return block;
  }
  if (!isRecord(value))
    throw new PolicyValidationError(path, 'must be "*" or an object such as {"AWS": ...}');
  for (const [key, raw] of Object.entries(value)) {
    if (!PRINCIPAL_KEYS.has(key)) {
      throw new PolicyValidationError(
        `${path}.${key}`,
        'unknown principal type (AWS, Service, Federated, CanonicalUser)',
      );
    }
    const values = stringList(raw, `${path}.${key}`);
    if (key === 'AWS') {
      for (const v of values) {
        if (v === '*') block.wildcard = true;
        else block.aws.push(v);
      }
    } else if (key === 'Service') block.service.push(...values);
    else if (key === 'Federated') block.federated.push(...values);
    else block.canonicalUser.push(...values);
  }
  return block;
}

function conditionValue(raw: unknown, path: string): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  throw new PolicyValidationError(path, 'condition values must be strings, numbers or booleans');
}

function parseCondition(value: unknown, path: string): ConditionClause[] {
  if (!isRecord(value)) throw new PolicyValidationError(path, 'must be an object of operators');
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const opPath = `${path}.${operator}`;
    const parsed = parseConditionOperator(operator);
    if (!parsed) throw new PolicyValidationError(opPath, `unknown condition operator "${operator}"`);
    if (!isRecord(block))
      throw new PolicyValidationError(opPath, 'must be an object of context keys to values');
    for (const [key, raw] of Object.entries(block)) {
      const keyPath = `${opPath}.${key}`;
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.map((v, i) => conditionValue(v, Array.isArray(raw) ? `${keyPath}[${i}]` : keyPath));
      if (parsed.spec.family === 'null' || parsed.spec.family === 'bool') {
        for (const v of values) {
          if (!/^(true|false)$/i.test(v))
            throw new PolicyValidationError(keyPath, `"${v}" is not true or false`);
        }
      }
      clauses.push({
        operator,
        base: parsed.base,
        ifExists: parsed.ifExists,
        ...(parsed.setOperator ? { setOperator: parsed.setOperator } : {}),
        key: key.toLowerCase(),
        keyAsWritten: key,
        values,
      });
    }
  }
  return clauses;
}

function parseStatement(
  value: unknown,
  index: number,
  path: string,
  kind: AwsPolicyKind,
  warnings: PolicyWarning[],
): AwsStatement {
  if (!isRecord(value)) throw new PolicyValidationError(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.has(key))
      throw new PolicyValidationError(`${path}.${key}`, 'unknown statement element');
  }
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    throw new PolicyValidationError(`${path}.Effect`, 'must be "Allow" or "Deny"');
  }
  const statement: AwsStatement = { index, effect: value.Effect, conditions: [] };
  if (value.Sid !== undefined) {
    if (typeof value.Sid !== 'string') throw new PolicyValidationError(`${path}.Sid`, 'must be a string');
    statement.sid = value.Sid;
  }

  const hasAction = value.Action !== undefined;
  const hasNotAction = value.NotAction !== undefined;
  if (hasAction === hasNotAction) {
    throw new PolicyValidationError(path, 'must have exactly one of Action or NotAction');
  }
  if (hasAction) statement.action = parseActions(value.Action, `${path}.Action`);
  else statement.notAction = parseActions(value.NotAction, `${path}.NotAction`);

  const hasResource = value.Resource !== undefined;
  const hasNotResource = value.NotResource !== undefined;
  if (hasResource && hasNotResource) {
    throw new PolicyValidationError(path, 'must not have both Resource and NotResource');
  }
  if (!hasResource && !hasNotResource && !RESOURCE_OPTIONAL.has(kind)) {
    throw new PolicyValidationError(path, 'must have Resource or NotResource');
  }
  if (hasResource) statement.resource = stringList(value.Resource, `${path}.Resource`);
  if (hasNotResource) statement.notResource = stringList(value.NotResource, `${path}.NotResource`);

  const hasPrincipal = value.Principal !== undefined;
  const hasNotPrincipal = value.NotPrincipal !== undefined;
  if (NAMES_PRINCIPALS.has(kind)) {
    if (hasPrincipal && hasNotPrincipal) {
      throw new PolicyValidationError(path, 'must not have both Principal and NotPrincipal');
    }
    if (!hasPrincipal && !hasNotPrincipal) {
      throw new PolicyValidationError(path, `a ${kind} policy statement must have Principal or NotPrincipal`);
    }
    if (hasPrincipal) statement.principal = parsePrincipal(value.Principal, `${path}.Principal`);
    else statement.notPrincipal = parsePrincipal(value.NotPrincipal, `${path}.NotPrincipal`);
    if (kind === 'rcp' && !statement.principal?.wildcard) {
      throw new PolicyValidationError(
        `${path}.Principal`,
        'a resource control policy must use "Principal": "*"',
      );
    }
    if (statement.notPrincipal && statement.effect === 'Allow') {
      throw new PolicyValidationError(
        `${path}.NotPrincipal`,
        'NotPrincipal is supported only with "Effect": "Deny"',
      );
    }
    if (
      kind === 'resource' &&
      statement.effect === 'Allow' &&
      statement.principal?.wildcard &&
      !value.Condition
    ) {
      warnings.push({ path: `${path}.Principal`, message: 'grants access to anyone, with no condition' });
    }
  } else if (hasPrincipal || hasNotPrincipal) {
    throw new PolicyValidationError(
      `${path}.${hasPrincipal ? 'Principal' : 'NotPrincipal'}`,
      `a ${kind} policy must not name a principal`,
    );
  }

  if (value.Condition !== undefined)
    statement.conditions = parseCondition(value.Condition, `${path}.Condition`);
  return statement;
}

export interface ParsedPolicy {
  document: AwsPolicyDocument;
  warnings: PolicyWarning[];
}

/** Parses a policy document of the given kind; throws PolicyValidationError naming `path` and the problem. */
export function parsePolicyDocument(raw: unknown, kind: AwsPolicyKind, path: string): ParsedPolicy {
  const value = decodePolicyDocument(raw, path);
  if (!isRecord(value)) throw new PolicyValidationError(path, 'must be a JSON object');
  for (const key of Object.keys(value)) {
    if (key !== 'Version' && key !== 'Statement' && key !== 'Id') {
      throw new PolicyValidationError(`${path}.${key}`, 'unknown policy element');
    }
  }
  let version: AwsPolicyDocument['version'] = '2008-10-17';
  if (value.Version !== undefined) {
    if (value.Version !== '2012-10-17' && value.Version !== '2008-10-17') {
      throw new PolicyValidationError(`${path}.Version`, 'must be "2012-10-17" or "2008-10-17"');
    }
    version = value.Version;
  }
  if (value.Statement === undefined) throw new PolicyValidationError(path, 'has no Statement');
  const raws = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
  const warnings: PolicyWarning[] = [];
  const statements = raws.map((statement, i) =>
    parseStatement(statement, i, `${path}.Statement[${i}]`, kind, warnings),
  );
  return { document: { version, statements }, warnings };
}
