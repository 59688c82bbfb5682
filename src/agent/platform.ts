/**
 * Which platform a handler runs on, and the names this function goes by there: detected from the environment the
 * platform sets, and read from each invocation's context.
 */
import { unqualifiedFunctionArn } from './loadedTable.js';

export type Platform = 'aws' | 'gcp-http' | 'gcp-cloudevent' | 'azure' | 'alibaba';

export const PLATFORMS: readonly Platform[] = ['aws', 'gcp-http', 'gcp-cloudevent', 'azure', 'alibaba'];

type Env = Record<string, string | undefined>;

/**
 * AWS_LAMBDA_FUNCTION_NAME → aws; FUNCTIONS_WORKER_RUNTIME → azure; FC_FUNCTION_NAME → alibaba; K_SERVICE or
 * FUNCTION_TARGET → gcp-http, or gcp-cloudevent when FUNCTION_SIGNATURE_TYPE is `cloudevent`. Default: aws.
 */
export function detectPlatform(env: Env = process.env): Platform {
  if (env.AWS_LAMBDA_FUNCTION_NAME) return 'aws';
  if (env.FUNCTIONS_WORKER_RUNTIME) return 'azure';
  if (env.FC_FUNCTION_NAME) return 'alibaba';
  if (env.K_SERVICE || env.FUNCTION_TARGET)
    return env.FUNCTION_SIGNATURE_TYPE === 'cloudevent' ? 'gcp-cloudevent' : 'gcp-http';
  return 'aws';
}

/** The function's name from the environment alone (enough to fetch its block table at cold start). */
export function functionNameFromEnv(platform: Platform, env: Env = process.env): string | undefined {
  switch (platform) {
    case 'aws':
      return env.AWS_LAMBDA_FUNCTION_NAME;
    case 'gcp-http':
    case 'gcp-cloudevent':
      return env.K_SERVICE ?? env.FUNCTION_TARGET;
    case 'azure':
      return env.WEBSITE_SITE_NAME;
    case 'alibaba':
      return env.FC_FUNCTION_NAME;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The names this function goes by, best first: on AWS the invoked ARN without its qualifier, then the name; on
 * Azure the function's name; on Alibaba `service/function` and the function's name; then the environment's.
 */
export function functionRefs(platform: Platform, context: unknown, env: Env = process.env): string[] {
  const refs: string[] = [];
  const add = (value: unknown): void => {
    const s = str(value);
    if (s !== undefined && !refs.includes(s)) refs.push(s);
  };
  if (platform === 'aws') {
    const arn = str(prop(context, 'invokedFunctionArn'));
    if (arn !== undefined) add(unqualifiedFunctionArn(arn));
    add(prop(context, 'functionName'));
  } else if (platform === 'azure') {
    add(prop(context, 'functionName'));
  } else if (platform === 'alibaba') {
    const fn = str(prop(prop(context, 'function'), 'name'));
    const service = str(prop(prop(context, 'service'), 'name'));
    if (fn !== undefined && service !== undefined) add(`${service}/${fn}`);
    add(fn);
  }
  add(functionNameFromEnv(platform, env));
  return refs;
}
