/**
 * The `ares simulate` input file: one request and the policies that apply to it.
 * Policies are named by their position (`identityPolicies[0]`, `scps[1][0]`) so reasons point back into the file.
 */
import { PolicyValidationError } from '../errors.js';
import type { AwsPolicySetInput, AwsRequest, ContextValue, NamedPolicy } from '../types.js';

export interface SimulationInput {
  request: AwsRequest;
  policies: AwsPolicySetInput;
}

const TOP_LEVEL_KEYS = new Set([
  'request',
  'identityPolicies',
  'resourcePolicy',
  'permissionsBoundary',
  'sessionPolicy',
  'scps',
  'rcps',
  // Documentation fields, so a test fixture is itself a valid input file.
  'description',
  'expected',
]);
const REQUEST_KEYS = new Set(['principal', 'action', 'resource', 'resourceAccount', 'context']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PolicyValidationError(path, 'must be a non-empty string');
  }
  return value;
}

function parseContextValue(value: unknown, path: string): ContextValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (typeof item === 'string' || typeof item === 'boolean') return item;
      if (typeof item === 'number' && Number.isFinite(item)) return item;
      throw new PolicyValidationError(`${path}[${i}]`, 'context values must be strings, numbers or booleans');
    });
  }
  throw new PolicyValidationError(
    path,
    'a context value must be a string, number, boolean, null or an array of them',
  );
}

function parseRequest(value: unknown): AwsRequest {
  if (!isRecord(value)) throw new PolicyValidationError('request', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!REQUEST_KEYS.has(key)) throw new PolicyValidationError(`request.${key}`, 'unknown field');
  }
  const action = requireString(value.action, 'request.action');
  if (!/^[A-Za-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
    throw new PolicyValidationError('request.action', `"${action}" is not of the form service:Action`);
  }
  const request: AwsRequest = {
    principal: requireString(value.principal, 'request.principal'),
    action,
    resource: requireString(value.resource, 'request.resource'),
  };
  if (value.resourceAccount !== undefined) {
    const account = requireString(value.resourceAccount, 'request.resourceAccount');
    if (!/^\d{12}$/.test(account)) {
      throw new PolicyValidationError('request.resourceAccount', 'must be a 12-digit account id');
    }
    request.resourceAccount = account;
  }
  if (value.context !== undefined) {
    if (!isRecord(value.context)) throw new PolicyValidationError('request.context', 'must be an object');
    const context: Record<string, ContextValue> = {};
    for (const [key, raw] of Object.entries(value.context)) {
      context[key] = parseContextValue(raw, `request.context.${key}`);
    }
    request.context = context;
  }
  return request;
}

function namedList(value: unknown, name: string): NamedPolicy[] {
  if (!Array.isArray(value)) throw new PolicyValidationError(name, 'must be an array of policy documents');
  return value.map((document, i) => ({ id: `${name}[${i}]`, document }));
}

function levels(value: unknown, name: string): NamedPolicy[][] {
  if (!Array.isArray(value)) {
    throw new PolicyValidationError(name, 'must be an array of levels, each an array of policy documents');
  }
  return value.map((level, i) => namedList(level, `${name}[${i}]`));
}

/** Reads a parsed simulate file into a request and a named policy set; throws PolicyValidationError. */
export function parseSimulationInput(value: unknown): SimulationInput {
  if (!isRecord(value)) throw new PolicyValidationError('(top level)', 'must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw new PolicyValidationError(key, 'unknown field');
  }
  const policies: AwsPolicySetInput = {};
  if (value.identityPolicies !== undefined) {
    policies.identityPolicies = namedList(value.identityPolicies, 'identityPolicies');
  }
  if (value.resourcePolicy !== undefined) {
    policies.resourcePolicy = { id: 'resourcePolicy', document: value.resourcePolicy };
  }
  if (value.permissionsBoundary !== undefined) {
    policies.permissionsBoundary = { id: 'permissionsBoundary', document: value.permissionsBoundary };
  }
  if (value.sessionPolicy !== undefined) {
    policies.sessionPolicy = { id: 'sessionPolicy', document: value.sessionPolicy };
  }
  if (value.scps !== undefined) policies.scps = levels(value.scps, 'scps');
  if (value.rcps !== undefined) policies.rcps = levels(value.rcps, 'rcps');
  return { request: parseRequest(value.request), policies };
}
