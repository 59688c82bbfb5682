/** The AWS action catalogue: real services and actions, wildcard expansion, and validation of action names. */
export {
  knownServices,
  actionsOfService,
  expandActionPattern,
  describeUnknownAction,
  servicesWithRcpSupport,
} from './actionCatalog.js';
export { awsManagedPolicyDocument, isAwsManagedPolicyArn } from './awsManagedPolicies.js';
export { resourceTypeOfArn } from './resourceTypes.js';
