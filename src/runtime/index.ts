/**
 * The run-time side of ares (`ares serve`): the profile repository that `ares scan --save` writes, the decision
 * API, block-table distribution to agents, the invocation proxy that mints signed caller contexts, and the audit
 * log. This file is only the list of what the module exports.
 */
export { ProfileStoreError } from './errors.js';
export {
  openProfileStore,
  PROFILE_STORE_SCHEMA_VERSION,
  type ProfileStore,
  type ProfileStoreOptions,
} from './profileStore.js';
export { createAresServer, type AresServer, type AresServerOptions } from './server.js';
export {
  decide,
  eventIdentity,
  NO_REQUESTER_AT_CONDUIT,
  type DecideRequest,
  type DecideOutcome,
} from './decide.js';
export { openAuditLog, type AuditLog, type AuditEntry } from './auditLog.js';
export { readConfigFile, type ServeConfig } from './config.js';
