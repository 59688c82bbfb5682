/**
 * `POST /v1/decide`: `{function, principal?, token?, event?}` → `{decision, reason, ...}`. The answer never
 * echoes the token; a rejected token is reported in the log by its reason only.
 */
import { eventIdentity, type DecideRequest } from '../decide.js';
import { decideAndRecord, type DecisionDeps } from '../decisionRecorder.js';
import { json, parseJsonObject, type Handler } from '../http.js';
import type { LoadedProfile } from '../loadedProfile.js';
import { functionProblem, principalProblem, tokenProblem } from '../inputRules.js';

/** Validates the body; a message naming the field otherwise. */
export function parseDecideRequest(body: Record<string, unknown>): DecideRequest | string {
  const fnProblem = functionProblem(body.function);
  if (fnProblem) return fnProblem;
  const request: DecideRequest = { function: body.function as string };
  if (body.principal !== undefined && body.principal !== null && body.principal !== '') {
    const problem = principalProblem(body.principal);
    if (problem) return problem;
    request.principal = body.principal as string;
  }
  if (body.token !== undefined && body.token !== null) {
    const problem = tokenProblem(body.token);
    if (problem) return problem;
    request.token = body.token as string;
  }
  if (body.event !== undefined) {
    // The identity read from the event is logged and audited like `principal`, so it obeys the same rules.
    const identity = eventIdentity(body.event);
    const problem =
      identity === undefined ? undefined : principalProblem(identity, 'event identity (userArn)');
    if (problem) return problem;
    request.event = body.event;
  }
  return request;
}

/** A decide answer before it becomes an HTTP response: the status and the JSON body. */
export interface DecideAnswer {
  status: 200 | 400;
  body: Record<string, unknown>;
}

/** Parses, decides and audits one `/v1/decide` body; resolves once the decision is committed to the audit log. */
export async function decideFromText(
  deps: DecisionDeps,
  profile: LoadedProfile,
  text: string,
): Promise<DecideAnswer> {
  const body = parseJsonObject(text);
  if (typeof body === 'string') return { status: 400, body: { error: 'BadRequest', message: body } };
  const parsed = parseDecideRequest(body);
  if (typeof parsed === 'string') return { status: 400, body: { error: 'BadRequest', message: parsed } };
  const outcome = await decideAndRecord(deps, profile, parsed, 'decide');
  const { tokenRejected, ...answer } = outcome;
  return { status: 200, body: { ...answer, ...(tokenRejected ? { token: 'rejected' } : {}) } };
}

export function decideRoute(deps: DecisionDeps): Handler {
  return async (request, scope) => {
    const answer = await decideFromText(deps, scope.profile, await request.text());
    return json(answer.status, answer.body);
  };
}
