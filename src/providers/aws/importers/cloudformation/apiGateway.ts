/**
 * API Gateway entry points to functions: REST API methods, HTTP API routes and OpenAPI bodies. A method with
 * AWS_IAM authorization is an `api-iam` trigger on its execute-api ARN; any other is reachable without IAM.
 */
import { isUnreadInclude } from './awsInclude.js';
import type { ImportContext } from './context.js';
import { importDataResource } from './eventSources.js';
import { functionArnInIntegrationUri } from './lambda.js';
import type { Path } from './path.js';
import { intrinsicName, isRecord, isSymbolic, type TemplateResource } from './resolver.js';
import {
  addTrigger,
  addUnauthenticatedHttpTrigger,
  executeApiRouteSource,
  executeApiSource,
} from './triggers.js';
import { functionIdOf, optionalString, requireString } from './values.js';

/** How a route is called; `guarded` when an authorizer other than IAM (Cognito, JWT, Lambda) checks callers. */
export interface ApiRoute {
  apiId: string;
  method?: string;
  path?: string;
  routeKey?: string;
  iam: boolean;
  guarded?: boolean;
}

/** Adds the trigger for one method or route that integrates a function. */
export function addApiTrigger(ctx: ImportContext, route: ApiRoute, functionId: string, location: Path): void {
  const source =
    route.method !== undefined && route.path !== undefined
      ? executeApiSource(ctx, route.apiId, route.method, route.path)
      : executeApiRouteSource(ctx, route.apiId, route.routeKey ?? '$default');
  if (route.iam) addTrigger(ctx, 'api-iam', source, functionId, location);
  else addUnauthenticatedHttpTrigger(ctx, source, functionId, location, route.guarded !== true);
}

/** The API id a template uses for an API resource: its logical id (or the id the importer was given). */
export function apiIdOf(ctx: ImportContext, logicalId: string): string {
  return ctx.resolver.physicalName(logicalId);
}

const MAX_RESOURCE_DEPTH = 64;

/** The path of an `AWS::ApiGateway::Resource` chain, from its raw ResourceId / ParentId references. */
function restResourcePath(ctx: ImportContext, raw: unknown, depth = 0): string {
  if (depth > MAX_RESOURCE_DEPTH) return '*';
  if (intrinsicName(raw) === 'Fn::GetAtt') return ''; // RootResourceId
  if (!isRecord(raw) || typeof raw.Ref !== 'string') return '*';
  const resource = ctx.resources.get(raw.Ref);
  if (resource?.type !== 'AWS::ApiGateway::Resource') return '*';
  const part =
    optionalString(ctx.resolve(resource.properties.PathPart, [...resource.path, 'Properties', 'PathPart'])) ??
    '*';
  const parent = restResourcePath(ctx, resource.properties.ParentId, depth + 1);
  return parent ? `${parent}/${part}` : part;
}

export function importRestMethod(ctx: ImportContext, _logicalId: string, resource: TemplateResource): void {
  const base = [...resource.path, 'Properties'];
  const prop = (key: string): unknown => ctx.resolve(resource.properties[key], [...base, key]);
  const integration = prop('Integration');
  const uri = isRecord(integration) ? optionalString(integration.Uri) : undefined;
  const fnArn = uri ? functionArnInIntegrationUri(uri) : undefined;
  if (!fnArn) return; // not a Lambda integration (mock, HTTP, AWS service)
  const apiId = requireString(prop('RestApiId'), [...base, 'RestApiId'], 'RestApiId');
  const method = optionalString(prop('HttpMethod')) ?? 'ANY';
  const authorization = optionalString(prop('AuthorizationType'));
  const iam = authorization === 'AWS_IAM';
  const guarded = guardedBy(authorization, prop('AuthorizerId'));
  const path = restResourcePath(ctx, resource.properties.ResourceId);
  addApiTrigger(ctx, { apiId, method, path, iam, guarded }, functionIdOf(ctx, fnArn), resource.path);
}

/** `METHOD /path` route keys become method triggers; `$default` and WebSocket keys stay route keys. */
function routeOf(apiId: string, routeKey: string, iam: boolean, guarded = false): ApiRoute {
  const match = /^(\S+)\s+(\/\S*)$/.exec(routeKey.trim());
  return match
    ? { apiId, method: match[1] as string, path: match[2] as string, iam, guarded }
    : { apiId, routeKey, iam, guarded };
}

/** An authorization type other than NONE/AWS_IAM (CUSTOM, COGNITO_USER_POOLS, JWT), or an authorizer id, guards a route. */
function guardedBy(authorization: string | undefined, authorizerId: unknown): boolean {
  if (authorization !== undefined && authorization !== 'NONE' && authorization !== 'AWS_IAM') return true;
  return authorization === undefined && authorizerId !== undefined;
}

export function importHttpRoute(ctx: ImportContext, _logicalId: string, resource: TemplateResource): void {
  const base = [...resource.path, 'Properties'];
  const prop = (key: string): unknown => ctx.resolve(resource.properties[key], [...base, key]);
  const target = optionalString(prop('Target'));
  const integrationId = target?.startsWith('integrations/')
    ? target.slice('integrations/'.length)
    : undefined;
  const integration = integrationId ? ctx.resources.get(integrationId) : undefined;
  if (!integration) return;
  const uri = optionalString(
    ctx.resolve(integration.properties.IntegrationUri, [...integration.path, 'Properties', 'IntegrationUri']),
  );
  const fnArn = uri ? functionArnInIntegrationUri(uri) : undefined;
  if (!fnArn) return;
  const apiId = requireString(prop('ApiId'), [...base, 'ApiId'], 'ApiId');
  const routeKey = optionalString(prop('RouteKey')) ?? '$default';
  const authorization = optionalString(prop('AuthorizationType'));
  const iam = authorization === 'AWS_IAM';
  addApiTrigger(
    ctx,
    routeOf(apiId, routeKey, iam, guardedBy(authorization, prop('AuthorizerId'))),
    functionIdOf(ctx, fnArn),
    resource.path,
  );
}

const OPENAPI_METHODS: Record<string, string> = {
  get: 'GET',
  put: 'PUT',
  post: 'POST',
  delete: 'DELETE',
  options: 'OPTIONS',
  head: 'HEAD',
  patch: 'PATCH',
  'x-amazon-apigateway-any-method': 'ANY',
};

/** `x-amazon-apigateway-authtype` values that mean IAM (SigV4) authorization (REST and HTTP APIs). */
const IAM_AUTH_TYPES = new Set(['awssigv4', 'sigv4', 'aws_iam']);

/**
 * Security schemes that are IAM authorization in API Gateway's OpenAPI extensions (OpenAPI 2
 * `securityDefinitions`, OpenAPI 3 `components.securitySchemes`). A requirement naming `AWS_IAM` with no
 * scheme of that name is SAM's IAM authorizer, which SAM adds to the body under that name.
 */
function iamSchemes(body: Record<string, unknown>): Set<string> {
  const components = isRecord(body.components) ? body.components : {};
  const schemes = {
    ...(isRecord(body.securityDefinitions) ? body.securityDefinitions : {}),
    ...(isRecord(components.securitySchemes) ? components.securitySchemes : {}),
  };
  const out = new Set<string>();
  if (!('AWS_IAM' in schemes)) out.add('AWS_IAM');
  for (const [name, scheme] of Object.entries(schemes)) {
    const authType = isRecord(scheme) ? optionalString(scheme['x-amazon-apigateway-authtype']) : undefined;
    if (authType !== undefined && IAM_AUTH_TYPES.has(authType.toLowerCase())) out.add(name);
  }
  return out;
}

/**
 * True when every alternative of a security requirement list uses an IAM scheme: a caller who may pick an
 * alternative without IAM is not checked by IAM. An empty list (`security: []`) turns authorization off.
 */
function requiresIam(security: unknown, schemes: Set<string>): boolean | undefined {
  if (!Array.isArray(security)) return undefined;
  if (security.length === 0) return false;
  return security.every(
    (requirement) => isRecord(requirement) && Object.keys(requirement).some((name) => schemes.has(name)),
  );
}

/** Integration types that call something other than a Lambda function, whatever their `uri` says. */
const NON_LAMBDA_INTEGRATIONS = new Set(['http', 'http_proxy', 'mock']);

/** The function an `x-amazon-apigateway-integration` runs (types aws_proxy and aws with a Lambda uri). */
function integratedFunction(integration: unknown): string | undefined {
  if (!isRecord(integration)) return undefined;
  const type = optionalString(integration.type)?.toLowerCase();
  if (type !== undefined && NON_LAMBDA_INTEGRATIONS.has(type)) return undefined;
  const uri = optionalString(integration.uri);
  // A uri chosen by a stage variable names no function the template can know.
  if (!uri || isSymbolic(uri.replace(/\$\{stageVariables\.[^}]*\}/g, ''))) return undefined;
  return functionArnInIntegrationUri(uri);
}

/** Triggers for the Lambda integrations of an OpenAPI body (SAM DefinitionBody, RestApi/HTTP API Body). */
export function importOpenApiBody(
  ctx: ImportContext,
  apiId: string,
  rawBody: unknown,
  defaultIam: boolean,
  path: Path,
): void {
  if (isUnreadInclude(rawBody)) return; // LocalFiles has said why, as a notice
  const body = ctx.resolve(rawBody, path);
  if (!isRecord(body)) {
    ctx.info(
      path,
      'the OpenAPI body cannot be read (an included file or macro); its routes are taken from function events only',
    );
    return;
  }
  const schemes = iamSchemes(body);
  const globalIam = requiresIam(body.security, schemes);
  const paths = isRecord(body.paths) ? body.paths : {};
  for (const [routePath, operations] of Object.entries(paths)) {
    if (!isRecord(operations)) continue;
    for (const [key, operation] of Object.entries(operations)) {
      const method = OPENAPI_METHODS[key.toLowerCase()];
      if (!method || !isRecord(operation)) continue;
      const fnArn = integratedFunction(operation['x-amazon-apigateway-integration']);
      if (!fnArn) continue;
      const iam = requiresIam(operation.security, schemes) ?? globalIam ?? defaultIam;
      // A non-empty security requirement that is not IAM names an authorizer (Cognito, JWT, Lambda).
      const security = Array.isArray(operation.security) ? operation.security : body.security;
      const guarded =
        Array.isArray(security) && security.some((r) => isRecord(r) && Object.keys(r).length > 0);
      addApiTrigger(ctx, { apiId, method, path: routePath, iam, guarded }, functionIdOf(ctx, fnArn), [
        ...path,
        'paths',
        routePath,
        key,
      ]);
    }
  }
}

/** An OpenAPI definition kept in a file (`DefinitionUri`, `BodyS3Location`): read when local, else a notice. */
function importOpenApiFile(
  ctx: ImportContext,
  apiId: string,
  raw: unknown,
  defaultIam: boolean,
  path: Path,
): void {
  const read = ctx.readDocument(raw, path, 'the OpenAPI definition');
  if (!read) return;
  if (!isRecord(read.value)) {
    ctx.builder.addError({
      file: read.file,
      message: 'the OpenAPI definition is not a mapping; its routes are not read',
    });
    return;
  }
  importOpenApiBody(ctx, apiId, read.value, defaultIam, path);
}

/** `AWS::ApiGateway::RestApi` / `AWS::ApiGatewayV2::Api`: the API resource, quick-create targets and Body. */
export function importApi(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  importDataResource(ctx, logicalId, resource);
  const base = [...resource.path, 'Properties'];
  const apiId = apiIdOf(ctx, logicalId);
  if (resource.properties.Body !== undefined)
    importOpenApiBody(ctx, apiId, resource.properties.Body, false, [...base, 'Body']);
  else if (resource.properties.BodyS3Location !== undefined)
    importOpenApiFile(ctx, apiId, resource.properties.BodyS3Location, false, [...base, 'BodyS3Location']);
  const target = optionalString(ctx.resolve(resource.properties.Target, [...base, 'Target']));
  if (target) {
    // HTTP API quick create: one route (RouteKey, default `$default`) to the target, no authorization.
    const routeKey =
      optionalString(ctx.resolve(resource.properties.RouteKey, [...base, 'RouteKey'])) ?? '$default';
    addApiTrigger(ctx, routeOf(apiId, routeKey, false), functionIdOf(ctx, target), [...base, 'Target']);
  }
}

/** Whether a SAM Api/HttpApi resource makes AWS_IAM its default authorizer. */
export function samApiDefaultIsIam(ctx: ImportContext, logicalId: string): boolean {
  const resource = ctx.resources.get(logicalId);
  if (!resource) return false;
  const auth = ctx.resolve(resource.properties.Auth, [...resource.path, 'Properties', 'Auth']);
  return isRecord(auth) && optionalString(auth.DefaultAuthorizer) === 'AWS_IAM';
}

/** `AWS::Serverless::Api` / `HttpApi`: the API resource and the integrations of an inline DefinitionBody. */
export function importSamApi(ctx: ImportContext, logicalId: string, resource: TemplateResource): void {
  importDataResource(ctx, logicalId, resource);
  const base = [...resource.path, 'Properties'];
  if (resource.properties.DefinitionBody !== undefined) {
    importOpenApiBody(
      ctx,
      apiIdOf(ctx, logicalId),
      resource.properties.DefinitionBody,
      samApiDefaultIsIam(ctx, logicalId),
      [...base, 'DefinitionBody'],
    );
  } else if (resource.properties.DefinitionUri !== undefined) {
    // SAM cannot add its authorizers to a body it does not hold: only the file's own security counts.
    importOpenApiFile(ctx, apiIdOf(ctx, logicalId), resource.properties.DefinitionUri, false, [
      ...base,
      'DefinitionUri',
    ]);
  }
}
