/**
 * `POST /v1/invoke/{function}`: the invocation proxy. It authenticates the requester (the principal the bearer
 * token is mapped to, else the trusted identity header set by an authenticating front end), decides, and when
 * allowed mints a fresh signed caller context and forwards the body to the function; when blocked it answers 403
 * `ARESBlocked`. A bearer token mapped to a principal cannot speak for anyone else: the header is then ignored.
 */
import type { KeyObject } from 'node:crypto';
import { signCallerContext } from '../../agent/callerContext.js';
import type { ApiCaller } from '../auth.js';
import type { ServeConfig } from '../config.js';
import { decideAndRecord, type DecisionDeps } from '../decisionRecorder.js';
import { errorResponse, json, type Handler } from '../http.js';
import { functionProblem, principalProblem } from '../inputRules.js';
import { ForwardError, lambdaTarget, type InvokeForwarder, type InvokeTarget } from '../invokeProxy.js';
import { resolveFunction } from '../loadedProfile.js';

export interface InvokeDeps extends DecisionDeps {
  config: ServeConfig;
  signingKey: KeyObject | undefined;
  forwarder: InvokeForwarder;
}

function requesterOf(
  request: Request,
  caller: ApiCaller | undefined,
  config: ServeConfig,
): string | undefined {
  if (caller?.principal !== undefined) return caller.principal;
  if (config.trustedIdentityHeader === undefined) return undefined;
  const value = request.headers.get(config.trustedIdentityHeader)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function targetOf(config: ServeConfig, refs: string[]): InvokeTarget | undefined {
  for (const ref of refs) {
    const http = Object.hasOwn(config.functions, ref) ? config.functions[ref] : undefined;
    if (http) return { kind: 'http', url: http.url };
  }
  for (const ref of refs) {
    const lambda = lambdaTarget(ref);
    if (lambda) return lambda;
  }
  return undefined;
}

export function invokeRoute(deps: InvokeDeps): Handler {
  return async (request, scope) => {
    const ref = scope.params.function ?? '';
    const refProblem = functionProblem(ref, 'function (path)');
    if (refProblem) return errorResponse(400, 'BadRequest', refProblem);
    const requester = requesterOf(request, scope.caller, deps.config);
    const requesterProblem =
      requester === undefined ? undefined : principalProblem(requester, deps.config.trustedIdentityHeader);
    if (requesterProblem) return errorResponse(400, 'BadRequest', requesterProblem);
    if (requester === undefined)
      return errorResponse(
        401,
        'NoRequester',
        'the requester is not authenticated (no mapped token, no identity header)',
        {
          code: 'ARES_NO_REQUESTER',
        },
      );
    if (!deps.signingKey)
      return errorResponse(
        503,
        'NotConfigured',
        'the invocation proxy needs --private-key to sign caller contexts',
        {
          code: 'ARES_NO_SIGNING_KEY',
        },
      );
    const fn = resolveFunction(scope.profile, ref);
    const target = targetOf(deps.config, fn ? [ref, fn.name, fn.function] : [ref]);
    if (!target)
      return errorResponse(
        502,
        'NoRoute',
        `no way to reach function "${ref}" (not a Lambda ARN, no functions.${ref}.url)`,
        { code: 'ARES_NO_ROUTE' },
      );

    const outcome = await decideAndRecord(
      deps,
      scope.profile,
      { function: ref, principal: requester },
      'invoke',
    );
    if (outcome.decision === 'block')
      return json(403, {
        error: 'ARESBlocked',
        code: 'ARES_BLOCKED',
        origin: outcome.origin,
        function: outcome.function ?? ref,
        reason: outcome.reason,
        version: outcome.version,
      });

    const token = signCallerContext(
      { origin: outcome.origin ?? requester, chain: [outcome.function ?? ref], version: outcome.version },
      deps.signingKey,
    );
    const payload = new Uint8Array(await request.arrayBuffer());
    try {
      const answer = await deps.forwarder.forward(
        target,
        payload,
        request.headers.get('content-type'),
        token,
      );
      const headers: Record<string, string> = {};
      if (answer.contentType) headers['content-type'] = answer.contentType;
      if (answer.functionError) headers['x-ares-function-error'] = answer.functionError;
      return new Response(answer.status === 204 || answer.status === 304 ? null : answer.body, {
        status: answer.status,
        headers,
      });
    } catch (error) {
      if (!(error instanceof ForwardError)) throw error;
      return errorResponse(502, 'UpstreamError', error.message, { code: 'ARES_UPSTREAM' });
    }
  };
}
