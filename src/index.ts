/**
 * ares: finds and blocks privilege-bypass paths in serverless applications.
 * The library surface: the normalised model and the AWS provider (policy parsing and the authorizer).
 */
export type * from './model/index.js';
export * as aws from './providers/aws/index.js';
