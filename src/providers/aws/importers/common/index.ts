/** What the AWS CLI-export and Terraform importers share: the per-file estate collector, ARN links, JSON readers. */
export { EstateBuilder } from './estateBuilder.js';
export * from './awsLinks.js';
export * from './json.js';
export { filterPatternsOf } from './filterCriteria.js';
