/**
 * The normalised data model of ares: the types every other module speaks.
 * It imports nothing and does no I/O; cloud specifics stay in `providers/`.
 */
export type { Cloud } from './cloud.js';
export type { SourceLocation } from './location.js';
export type {
  Decision,
  DecisionKind,
  DecisionReason,
  StatementReason,
  NoAllowReason,
  PolicyType,
  AllowDecision,
  ExplicitDenyDecision,
  ImplicitDenyDecision,
  ConditionalDecision,
} from './decision.js';
export type { Principal, PrincipalKind } from './principal.js';
export type { FunctionNode } from './function.js';
export type { Resource, EventRule } from './resource.js';
export type { Trigger, TriggerKind } from './trigger.js';
export type { PolicyDocumentRef } from './policy.js';
export type { Estate, PolicyAttachment, GroupMembership, OrganizationPath, EstateError } from './estate.js';
export { emptyEstate } from './estate.js';
export type { Notice, NoticeCode } from './notice.js';
export type { Finding, Severity, DenialClass, PathStep, NamedRef } from './finding.js';
export type { Access, EntryPoint, UserInvoke, ReachEdge } from './reachability.js';
export type { EstateAuthorizer } from './estateAuthorizer.js';
export type { BlockTable, FunctionBlocks, BlockedAccess } from './blockTable.js';
export type { ProfileSnapshot } from './profileSnapshot.js';
export type { ArrivalMode, DrillAttack, DrillLegit, DrillReport } from './drill.js';
