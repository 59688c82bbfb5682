import type { Cloud } from './cloud.js';
import type { SourceLocation } from './location.js';

/** A serverless function: the conduit through which requests reach resources. */
export interface FunctionNode {
  /** Globally unique id (the function ARN on AWS). */
  id: string;
  /** The function name a person uses. */
  name: string;
  cloud: Cloud;
  /** The id of the principal the function runs as (its execution role or service account). */
  identity?: string;
  runtime?: string;
  /** The handler entry, e.g. `index.handler`. */
  handler?: string;
  account?: string;
  region?: string;
  /** Asynchronous invocation destinations (on success / on failure): ids of queues, topics, buses or functions. */
  destinations?: string[];
  source?: SourceLocation;
}
