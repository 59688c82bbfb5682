import type { Cloud } from './cloud.js';
import type { SourceLocation } from './location.js';

/** A cloud resource a request can act on: a table, bucket, queue, topic, secret, function... */
export interface Resource {
  /** Globally unique id (the ARN on AWS). */
  id: string;
  /** The short name a person uses (table, bucket, queue, topic or secret name). */
  name: string;
  cloud: Cloud;
  /** The service prefix that owns the resource, e.g. `dynamodb`, `s3`. */
  service: string;
  /** The resource type within the service, e.g. `table`, `bucket`. */
  type: string;
  account?: string;
  region?: string;
  source?: SourceLocation;
}
