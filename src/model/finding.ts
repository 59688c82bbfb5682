import type { Cloud } from './cloud.js';
import type { DecisionReason } from './decision.js';
import type { SourceLocation } from './location.js';

export type Severity = 'high' | 'medium' | 'low' | 'info';

/**
 * How the requester is denied what the function reaches:
 * `explicit` a Deny statement in the requester's own or the resource's policy;
 * `guardrail` the requester's permissions boundary, session policy, SCP or RCP excludes it;
 * `implicit` simply never granted (reported only on request).
 */
export type DenialClass = 'explicit' | 'guardrail' | 'implicit';

/** One node of a witness path; `edge` labels the hop into this node (`origin` for the requester). */
export interface PathStep {
  id: string;
  name: string;
  /** user, role, function, queue, topic, bucket, table, ... */
  kind: string;
  /** `origin`, `invoke`, `trigger`, or the action taken on this node (`sqs:SendMessage`, `dynamodb:PutItem`). */
  edge: string;
}

export interface NamedRef {
  id: string;
  name: string;
}

export interface Finding {
  /** Stable across rescans: derived from kind, requester, entry, resource and actions. */
  id: string;
  kind: 'privilege-bypass';
  severity: Severity;
  denial: DenialClass;
  cloud: Cloud;
  principal: NamedRef;
  entry: NamedRef;
  resource: NamedRef;
  actions: string[];
  /** From the requester through every event source and function to the resource. */
  path: PathStep[];
  /** Condition keys an edge of the path depends on; the finding holds only for some of their values. */
  conditions?: string[];
  /** The statements that deny the requester (the evidence of the denial). */
  denialReasons?: DecisionReason[];
  /** Where the entry function is defined, when known. */
  location?: SourceLocation;
}
