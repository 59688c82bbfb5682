/** The AWS estate authorizer: the profile's view of an AWS estate (requesters, entry points, indexes, decisions). */
export { AwsEstateAuthorizer, createAwsEstateAuthorizer } from './awsEstateAuthorizer.js';
export { ORGANIZATION_ROOT } from './estatePolicies.js';
