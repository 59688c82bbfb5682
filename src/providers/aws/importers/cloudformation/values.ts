/**
 * Turning resolved template values into the ids the estate uses: a function name or qualified ARN into the
 * function ARN, a queue URL into the queue ARN, a DynamoDB stream ARN back into its table ARN, and so on.
 */
import { splitArn } from '../../authorizer/arn.js';
import { arnOf } from '../../estate/index.js';
import type { ImportContext } from './context.js';
import { UnreadableProperty } from './errors.js';
import type { Path } from './path.js';

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A string, or an UnreadableProperty naming what was found instead. */
export function requireString(value: unknown, path: Path, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new UnreadableProperty(path, `${what}: expected a string, found ${describe(value)}`);
}

export function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A list from a list, a single value, or nothing. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The unqualified function ARN from a name, `name:alias`, a partial ARN or a (qualified) ARN. */
export function functionIdOf(ctx: ImportContext, text: string): string {
  const parts = splitArn(text);
  if (parts) {
    const [, partition, service, region, account, rest] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (service !== 'lambda' || !rest.startsWith('function:')) return text;
    const name = rest.slice('function:'.length).split(':')[0] as string;
    return arnOf.function({ partition, region, account }, name);
  }
  const partial = /^(\d{12}):function:([^:]+)/.exec(text);
  if (partial) return arnOf.function({ ...ctx.scope, account: partial[1] as string }, partial[2] as string);
  return arnOf.function(ctx.scope, text.split(':')[0] as string);
}

export function isFunctionArn(text: string): boolean {
  const parts = splitArn(text);
  return parts?.[2] === 'lambda' && (parts[5] ?? '').startsWith('function:');
}

/** A value that is nothing but one unresolved `${...}`: where an ARN is expected, it stays as it is. */
export function isPlaceholder(text: string): boolean {
  return /^\$\{[^}]*\}$/.test(text);
}

/** The queue ARN from an ARN, a queue URL (what `Ref` of a queue yields) or a name. */
export function queueArnOf(ctx: ImportContext, text: string): string {
  if (text.startsWith('arn:') || isPlaceholder(text)) return text;
  const url =
    /^https:\/\/(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|queue\.amazonaws\.com)\/([^/]+)\/([^/?]+)/.exec(
      text,
    );
  if (url) {
    const region = url[1] ?? 'us-east-1';
    return arnOf.queue(
      { partition: ctx.scope.partition, region, account: url[2] as string },
      url[3] as string,
    );
  }
  return arnOf.queue(ctx.scope, text);
}

export function topicArnOf(ctx: ImportContext, text: string): string {
  return text.startsWith('arn:') || isPlaceholder(text) ? text : arnOf.topic(ctx.scope, text);
}

export function bucketArnOf(ctx: ImportContext, text: string): string {
  return text.startsWith('arn:') ? text : arnOf.bucket(ctx.scope, text);
}

export function eventBusArnOf(ctx: ImportContext, text: string | undefined): string {
  if (text?.startsWith('arn:')) return text;
  return arnOf.eventBus(ctx.scope, text ?? 'default');
}

/** A DynamoDB stream ARN (`.../table/T/stream/<label>`) → the table ARN; other ARNs unchanged. */
export function tableArnOfStream(arn: string): string {
  const cut = arn.indexOf('/stream/');
  return arn.includes(':dynamodb:') && cut > 0 ? arn.slice(0, cut) : arn;
}

/** A role ARN from an ARN or a name (a declared role's ARN keeps its path); a placeholder ARN stays as is. */
export function roleArnOf(ctx: ImportContext, text: string): string {
  if (text.startsWith('arn:') || isPlaceholder(text)) return text;
  return ctx.principalIdByName('AWS::IAM::Role', text) ?? arnOf.role(ctx.scope, text);
}

export function userArnOf(ctx: ImportContext, text: string): string {
  if (text.startsWith('arn:')) return text;
  return ctx.principalIdByName('AWS::IAM::User', text) ?? arnOf.user(ctx.scope, text);
}

export function groupArnOf(ctx: ImportContext, text: string): string {
  if (text.startsWith('arn:')) return text;
  return ctx.principalIdByName('AWS::IAM::Group', text) ?? arnOf.group(ctx.scope, text);
}

/** The service segment of an ARN (`sqs`, `kinesis`, ...), if the text is an ARN. */
export function arnService(text: string): string | undefined {
  return splitArn(text)?.[2];
}
