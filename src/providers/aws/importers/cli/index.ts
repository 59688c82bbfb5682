/**
 * Importers for AWS CLI (and SDK) JSON exports: one Importer per output shape, recognised by content. Each turns
 * one file into the part of the Estate it describes; the profile merges the parts. Exports that do not name their
 * subject (get-policy, get-bucket-notification-configuration, list-targets-by-rule) take it from the file's base name.
 */
import type { Importer } from '../importer.js';
import { accountAuthorizationDetailsImporter } from './accountAuthorizationDetails.js';
import { bucketNotificationsImporter } from './bucketNotifications.js';
import { eventSourceMappingsImporter } from './eventSourceMappings.js';
import { listRulesImporter, listTargetsByRuleImporter } from './eventRules.js';
import { getFunctionImporter, listFunctionsImporter } from './lambdaFunctions.js';
import { lambdaPolicyImporter } from './lambdaPolicy.js';
import { organizationsPolicyImporter } from './organizationsPolicy.js';
import { snsSubscriptionsImporter } from './snsSubscriptions.js';

export {
  accountAuthorizationDetailsImporter,
  bucketNotificationsImporter,
  eventSourceMappingsImporter,
  getFunctionImporter,
  lambdaPolicyImporter,
  listFunctionsImporter,
  listRulesImporter,
  listTargetsByRuleImporter,
  organizationsPolicyImporter,
  snsSubscriptionsImporter,
};
export { ORGANIZATION_ROOT } from './organizationsPolicy.js';

export const cliImporters: Importer[] = [
  accountAuthorizationDetailsImporter,
  listFunctionsImporter,
  getFunctionImporter,
  lambdaPolicyImporter,
  eventSourceMappingsImporter,
  snsSubscriptionsImporter,
  bucketNotificationsImporter,
  listRulesImporter,
  listTargetsByRuleImporter,
  organizationsPolicyImporter,
];
