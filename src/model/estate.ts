import type { PolicyType } from './decision.js';
import type { FunctionNode } from './function.js';
import type { Notice } from './notice.js';
import type { SourceLocation } from './location.js';
import type { Principal } from './principal.js';
import type { Resource } from './resource.js';
import type { Trigger } from './trigger.js';

/** A policy document and what it is attached to. */
export interface PolicyAttachment {
  /** Managed policy ARN, or `<owner id>#inline/<name>` for an inline policy. */
  id: string;
  /** The name a person uses (policy name). */
  name: string;
  /** identity | permissions-boundary | resource | trust | scp | rcp. */
  type: PolicyType;
  /** The principal id (identity, boundary, trust), resource id (resource), or organization target id (scp, rcp). */
  attachedTo: string;
  /** The raw document: an object, a JSON string, or a URL-encoded JSON string. */
  document: unknown;
  source?: SourceLocation;
}

/** An IAM user's membership of a group: the user gets the group's identity policies. */
export interface GroupMembership {
  user: string;
  group: string;
}

/** The organization levels above an account, root first, for SCPs and RCPs. */
export interface OrganizationPath {
  account: string;
  /** Target ids (root id, OU ids, the account id) from root to account; policies attach to these. */
  targets: string[];
}

/** Something in the input that could not be read; the rest of the estate is still analysed. */
export interface EstateError {
  file: string;
  message: string;
  /** Where in the file, when known: `line 3`, `Resources.Fn.Properties.Role`. */
  location?: string;
  /** `info`: read, but a link could not be made or a construct is not modelled; the input itself is fine. Absent: an error. */
  severity?: 'error' | 'info';
}

/** Everything ares knows about a serverless application, from every input, normalised. */
export interface Estate {
  principals: Principal[];
  functions: FunctionNode[];
  resources: Resource[];
  triggers: Trigger[];
  policies: PolicyAttachment[];
  memberships: GroupMembership[];
  organization: OrganizationPath[];
  errors: EstateError[];
  /** What the user should know about the inputs: unsupported formats, unresolved references, ... */
  notices: Notice[];
}

export function emptyEstate(): Estate {
  return {
    principals: [],
    functions: [],
    resources: [],
    triggers: [],
    policies: [],
    memberships: [],
    organization: [],
    errors: [],
    notices: [],
  };
}
