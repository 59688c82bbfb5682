import type { Cloud } from './cloud.js';
import type { SourceLocation } from './location.js';

/** How an event source reaches a function. Event hops run with no IAM check of the original requester. */
export type TriggerKind =
  | 'queue'
  | 'topic'
  | 'object-store'
  | 'event-bus'
  | 'stream'
  | 'schedule'
  | 'http'
  | 'state-machine'
  | 'destination';

/** An edge from an event source to the function it triggers. */
export interface Trigger {
  cloud: Cloud;
  kind: TriggerKind;
  /** The id of the event source resource (queue ARN, topic ARN, bucket ARN...). */
  source: string;
  /** The id of the function the source triggers. */
  target: string;
  /** The actions on the source that fire the trigger, e.g. `sqs:SendMessage`. */
  firedBy: string[];
  /** An event rule's pattern (JSON text) that an event put on the source must match to reach the function. */
  eventPattern?: string;
  /** An event source mapping's filter criteria: JSON patterns, a record reaches the function if one matches. */
  filters?: string[];
  /**
   * An HTTP entry anyone may call with no credentials and no authorizer (an API route with authorization NONE, a
   * function URL with AuthType NONE): the requester `anonymous` starts the function through it.
   */
  public?: boolean;
  location?: SourceLocation;
}
