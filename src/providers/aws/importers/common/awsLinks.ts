/**
 * What AWS exports and Terraform share once their shapes are read: function ARNs without qualifiers, which trigger
 * rule an event source or S3 event list stands for, checking that a policy document decodes, and finding the
 * document of a managed policy. ARN formats and action lists come from `estate/`, never from here.
 */
import type { SourceLocation, Trigger } from '../../../../model/index.js';
import { awsManagedPolicyDocument } from '../../catalog/index.js';
import { TRIGGER_RULES, type TriggerRuleName } from '../../estate/index.js';
import { PolicyValidationError } from '../../errors.js';
import { decodePolicyDocument } from '../../policy/index.js';
import type { EstateBuilder } from './estateBuilder.js';
import { isRecord } from './json.js';

/** A trigger edge as TRIGGER_RULES defines its kind and the actions that fire it. */
export function triggerOf(
  rule: TriggerRuleName,
  source: string,
  target: string,
  location: SourceLocation,
): Trigger {
  const { kind, firedBy } = TRIGGER_RULES[rule];
  return { cloud: 'aws', kind, source, target, firedBy: [...firedBy], location };
}

export interface FunctionArnParts {
  /** The function ARN without version or alias: the FunctionNode id. */
  arn: string;
  name: string;
  qualifier?: string;
}

const FUNCTION_ARN = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+))(?::([^:]+))?$/;

/** Reads a Lambda function ARN, qualified (`:alias`, `:3`, `:$LATEST`) or not; undefined for anything else. */
export function functionArnParts(arn: string): FunctionArnParts | undefined {
  const match = FUNCTION_ARN.exec(arn);
  if (!match) return undefined;
  const [, unqualified, name, qualifier] = match as unknown as [string, string, string, string | undefined];
  return qualifier ? { arn: unqualified, name, qualifier } : { arn: unqualified, name };
}

/**
 * The trigger rule and source of an event source mapping's EventSourceArn: a queue, a Kinesis stream (or its
 * enhanced fan-out consumer), or a DynamoDB stream, whose writers are the writers of its table.
 */
export function eventSourceOf(
  arn: string,
): { rule: 'sqs' | 'kinesis' | 'dynamodb-stream'; source: string } | undefined {
  const service = arn.split(':')[2];
  if (service === 'sqs') return { rule: 'sqs', source: arn };
  if (service === 'kinesis' && /:stream\//.test(arn)) {
    return { rule: 'kinesis', source: arn.replace(/\/consumer\/.*$/, '') };
  }
  if (service === 'dynamodb') {
    const stream = arn.indexOf('/stream/');
    if (stream > 0 && /:table\//.test(arn)) return { rule: 'dynamodb-stream', source: arn.slice(0, stream) };
  }
  return undefined;
}

/**
 * The trigger rule for an S3 notification's event list: object creation, removal, or both. Events of other
 * families (restore, tagging, ACL, lifecycle, replication) are returned as `other`; no trigger rule covers them.
 */
export function s3RuleOf(events: readonly string[]): {
  rule?: 's3-created' | 's3-removed' | 's3-any';
  other: string[];
} {
  let created = false;
  let removed = false;
  const other: string[] = [];
  for (const event of events) {
    if (event.startsWith('s3:ObjectCreated:')) created = true;
    else if (event.startsWith('s3:ObjectRemoved:')) removed = true;
    else other.push(event);
  }
  const rule = created && removed ? 's3-any' : created ? 's3-created' : removed ? 's3-removed' : undefined;
  return rule ? { rule, other } : { other };
}

/**
 * True when the document decodes (object, JSON string or URL-encoded JSON string) to a JSON object. Otherwise the
 * problem is recorded at `location` and the caller leaves the policy out. Validation proper is the authorizer's job.
 */
export function documentDecodes(builder: EstateBuilder, document: unknown, location: string): boolean {
  if (document === undefined || document === null || document === '') {
    builder.error('policy document is missing', location);
    return false;
  }
  try {
    const decoded = decodePolicyDocument(document, location);
    if (isRecord(decoded)) return true;
    builder.error('policy document is not a JSON object', location);
  } catch (error) {
    builder.error(
      error instanceof PolicyValidationError ? `policy document ${error.problem}` : String(error),
      location,
    );
  }
  return false;
}

/**
 * The document of a managed policy: from the input's own policies first, else from the catalogue of AWS managed
 * policies. Undefined when neither has it (a customer managed policy the input does not include).
 */
export function managedPolicyDocument(arn: string, local: ReadonlyMap<string, unknown>): unknown {
  return local.get(arn) ?? awsManagedPolicyDocument(arn);
}

/** The short name of a managed policy from its ARN (`arn:aws:iam::aws:policy/service-role/X` → `X`). */
export function policyNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
