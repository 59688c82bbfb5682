/** Building blocks the AWS importers share: ARN builders and the table of which actions fire which trigger. */
export { arnOf, resourceFromArn, type ArnScope } from './arns.js';
export {
  TRIGGER_RULES,
  eventPatternFiredBy,
  type TriggerRule,
  type TriggerRuleName,
} from './triggerActions.js';
export { RESOURCE_ACTIONS, type ResourceActions } from './resourceActions.js';
export { POLL_ACTIONS, isPolledResource } from './pollActions.js';
export { eventPatternContext, filterCriteriaConditions } from './eventPatterns.js';
