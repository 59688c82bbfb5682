/**
 * `POST /v1/decide`: `{function, principal?, token?, event?}` → `{decision, reason, ...}`. The answer never
 * echoes the token; a rejected token is reported in the log by its reason only.
 */
import type { DecideRequest } from '../decide.js';
import { decideAndRecord, type DecisionDeps } from '../decisionRecorder.js';
import { errorResponse, json, readJsonObject, type Handler } from '../http.js';

/** Validates the body; a message naming the field otherwise. */
export function parseDecideRequest(body: Record<string, unknown>): DecideRequest | string {
  if (typeof body.function !== 'string' || body.function === '')
    return '"function" must be a function name or id';
  const request: DecideRequest = { function: body.function };
  if (body.principal !== undefined && body.principal !== null) {
    if (typeof body.principal !== 'string') return '"principal" must be a string';
    request.principal = body.principal;
  }
  if (body.token !== undefined && body.token !== null) {
    if (typeof body.token !== 'string') return '"token" must be a string';
    request.token = body.token;
  }
  if (body.event !== undefined) request.event = body.event;
  return request;
}

export function decideRoute(deps: DecisionDeps): Handler {
  return async (request, scope) => {
    const body = await readJsonObject(request);
    if (typeof body === 'string') return errorResponse(400, 'BadRequest', body);
    const parsed = parseDecideRequest(body);
    if (typeof parsed === 'string') return errorResponse(400, 'BadRequest', parsed);
    const outcome = decideAndRecord(deps, scope.profile, parsed, 'decide');
    const { tokenRejected, ...answer } = outcome;
    return json(200, { ...answer, ...(tokenRejected ? { token: 'rejected' } : {}) });
  };
}
