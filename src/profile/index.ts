/**
 * The profile: builds the Application Reachability Profile (UserInvoke, ServiceReach, the function graph) from an
 * estate through its cloud's authorizer, closes it over function hops, and searches it for bypass paths.
 * Pure: no I/O.
 */
export { buildProfile } from './buildProfile.js';
export { grants } from './decideEntry.js';
export { findBypassPaths, type BypassPath, type BypassSearchOptions } from './findBypassPaths.js';
export { ReachClosure } from './reachClosure.js';
export { mergeEstates } from './mergeEstates.js';
export { profileNotices } from './profileNotices.js';
export { accessKey, type ReachabilityProfile, type ProfileStats } from './reachabilityProfile.js';
export {
  stronglyConnectedComponents,
  shortestPaths,
  pathTo,
  type FunctionEdge,
  type FunctionGraph,
} from './functionGraph.js';
export {
  compileBlockTable,
  compileProfileSnapshot,
  profileVersion,
  canonicalJson,
  resolveFunctionId,
  resolvePrincipalId,
  assumedRolePrefix,
  unqualifiedFunctionArn,
  type CompileOptions,
} from './compileBlockTable.js';
export { denialClassOf, bypassGroupKey, findingGroupKey } from './bypassGroups.js';
export { lookupGeneratedName } from './generatedNames.js';
