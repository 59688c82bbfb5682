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
  /** For an event rule (EventBridge rule, ...): the bus it listens on and what it matches or when it runs. */
  eventRule?: EventRule;
  source?: SourceLocation;
}

/** An event rule's routing: a rule with a pattern fires on events put on its bus; a schedule fires on its own. */
export interface EventRule {
  /** The id of the bus the rule listens on. */
  bus: string;
  /** The event pattern, as JSON text. */
  pattern?: string;
  /** The schedule expression, for rules that run on a schedule. */
  schedule?: string;
  /** False for a disabled rule, which fires on nothing. */
  enabled: boolean;
}
