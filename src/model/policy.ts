import type { PolicyType } from './decision.js';
import type { SourceLocation } from './location.js';

/** A policy document as found in the input, before a provider parses it into its own form. */
export interface PolicyDocumentRef {
  /** The policy's id: its ARN, or a name derived from where it is attached. */
  id: string;
  type: PolicyType;
  /** The raw document: an object, a JSON string or a URL-encoded JSON string. */
  document: unknown;
  source?: SourceLocation;
}
