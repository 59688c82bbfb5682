/** `GET /healthz` (no authentication): liveness and the profile version in use. */
import { json, type Handler } from '../http.js';

export function healthRoute(): Handler {
  return (_request, scope) => json(200, { status: 'ok', version: scope.profile.version });
}
