/** Serverless Framework functions: the FunctionNode, its role, events, destinations and function URL. */
import { addDestination, addFunctionUrl } from '../cloudformation/lambda.js';
import { addInvokePermission } from '../cloudformation/triggers.js';
import { optionalString } from '../cloudformation/values.js';
import { UnreadableProperty, isRecord, type ImportContext } from '../cloudformation/index.js';
import type { ServerlessApp, ServerlessFunction } from './app.js';
import { importEvents } from './events.js';
import { ExecutionRoles } from './roles.js';

/** A destination: an ARN, the key or name of a function of this service, or `{ type, arn }`. */
function destinationArn(ctx: ImportContext, app: ServerlessApp, value: unknown): unknown {
  const text = optionalString(isRecord(value) ? value.arn : value);
  if (!text || text.startsWith('arn:')) return text ?? value;
  const local = app.functions.find((fn) => fn.key === text || fn.name === text);
  return local ? local.id : ctx.resolver.functionArnFromText(text);
}

function importFunction(
  ctx: ImportContext,
  app: ServerlessApp,
  fn: ServerlessFunction,
  roles: ExecutionRoles,
): void {
  const identity = roles.roleFor(fn);
  const runtime = optionalString(fn.config.runtime ?? app.provider.runtime);
  const handler = optionalString(fn.config.handler);
  ctx.builder.addFunction({
    id: fn.id,
    name: fn.name,
    cloud: 'aws',
    ...(identity ? { identity } : {}),
    ...(runtime ? { runtime } : {}),
    ...(handler ? { handler } : {}),
    account: ctx.scope.account,
    region: ctx.scope.region,
    source: ctx.sourceAt(fn.path),
  });
  importEvents(ctx, app, fn, roles);

  const destinationsPath = [...fn.path, 'destinations'];
  const destinations = ctx.resolve(fn.config.destinations, destinationsPath);
  if (isRecord(destinations)) {
    for (const key of ['onSuccess', 'onFailure']) {
      if (destinations[key] !== undefined) {
        addDestination(ctx, fn.id, destinationArn(ctx, app, destinations[key]), [...destinationsPath, key]);
      }
    }
  }

  const urlPath = [...fn.path, 'url'];
  const url = ctx.resolve(fn.config.url, urlPath);
  if (url === true || isRecord(url)) {
    const authorizer = isRecord(url) ? optionalString(url.authorizer) : undefined;
    const authType = authorizer?.toLowerCase() === 'aws_iam' ? 'AWS_IAM' : 'NONE';
    addFunctionUrl(ctx, fn.id, authType, urlPath);
    if (authType === 'NONE') {
      addInvokePermission(
        ctx,
        {
          functionId: fn.id,
          key: 'FunctionUrlPublicPermission',
          principal: '*',
          action: 'lambda:InvokeFunctionUrl',
          functionUrlAuthType: 'NONE',
        },
        urlPath,
      );
    }
  }
}

export function importFunctions(ctx: ImportContext, app: ServerlessApp): void {
  const roles = new ExecutionRoles(ctx, app);
  for (const fn of app.functions) {
    try {
      importFunction(ctx, app, fn, roles);
    } catch (error) {
      if (error instanceof UnreadableProperty) ctx.error(error.path, error.problem);
      else
        ctx.error(
          fn.path,
          `function cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  }
  roles.finish();
}
