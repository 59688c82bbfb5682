/**
 * The facts of a Serverless Framework configuration the importer works from, after variables are resolved:
 * service, stage, region, provider settings and functions, plus the names the Framework derives from them.
 */
import { isRecord } from '../cloudformation/index.js';

export interface ServerlessFunction {
  key: string;
  config: Record<string, unknown>;
  /** `functions.<key>` */
  path: (string | number)[];
  /** The deployed name: `name`, or `<service>-<stage>-<key>`. */
  name: string;
  id: string;
}

export interface ServerlessApp {
  service: string;
  stage: string;
  region: string;
  provider: Record<string, unknown>;
  /** `provider.iam.role` when it is an object (name, statements, managedPolicies, ...). */
  iamRole: Record<string, unknown>;
  functions: ServerlessFunction[];
  doc: Record<string, unknown>;
}

/** The Framework's logical id normalisation: first letter upper-cased, `-` → `Dash`, `_` → `Underscore`. */
export function normalizedFunctionName(key: string): string {
  const name = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** `SNSTopic<Name>` / `S3Bucket<Name>`: alphanumerics only, first letter upper-cased. */
export function alphanumericLogicalName(name: string): string {
  const cleaned = name.replace(/[^0-9A-Za-z]/g, '');
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}

export const FRAMEWORK_ROLE = 'IamRoleLambdaExecution';
export const FRAMEWORK_REST_API = 'ApiGatewayRestApi';
export const FRAMEWORK_HTTP_API = 'HttpApi';

export function serviceName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.name === 'string') return value.name;
  return 'service';
}

/** `functions` as a map, or (older configurations) a list of one-key maps. */
export function functionEntries(value: unknown): [string, unknown][] {
  if (isRecord(value)) return Object.entries(value);
  if (Array.isArray(value)) return value.flatMap((item) => (isRecord(item) ? Object.entries(item) : []));
  return [];
}

/** The id requesters see for the REST API (`<service>-<stage>`, or the existing API's id). */
export function restApiId(app: ServerlessApp): string {
  const apiGateway = app.provider.apiGateway;
  const existing = isRecord(apiGateway) ? apiGateway.restApiId : undefined;
  return typeof existing === 'string' ? existing : `${app.service}-${app.stage}`;
}

export function httpApiId(app: ServerlessApp): string {
  const httpApi = app.provider.httpApi;
  const existing = isRecord(httpApi) ? httpApi.id : undefined;
  return typeof existing === 'string' ? existing : `${app.service}-${app.stage}`;
}
