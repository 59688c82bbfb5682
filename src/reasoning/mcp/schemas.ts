/**
 * The zod shapes of the MCP tools' inputs and outputs. The SDK turns them into the JSON Schemas clients list, and
 * validates every structured answer against them, so they describe exactly what ProfileView returns.
 */
import { MAX_PRINCIPAL_LENGTH } from '../../runtime/inputRules.js';
import { z } from 'zod';

export const named = z.object({ id: z.string(), name: z.string() });
export const namedKind = named.extend({ kind: z.string() });

const severity = z.enum(['high', 'medium', 'low', 'info']);
const denialClass = z.enum(['explicit', 'guardrail', 'implicit']);
const decisionKind = z.enum(['allow', 'explicit-deny', 'implicit-deny', 'conditional']);

const reason = z.looseObject({
  kind: z.enum(['statement', 'no-allow']),
  policyType: z.string(),
  policy: z.string().optional(),
  statement: z.number().optional(),
  sid: z.string().optional(),
  effect: z.enum(['Allow', 'Deny']).optional(),
  conditionKeys: z.array(z.string()).optional(),
  message: z.string().optional(),
});

export const decision = z.looseObject({
  decision: decisionKind,
  reasons: z.array(reason),
  missingContextKeys: z.array(z.string()).optional(),
  possibleDecisions: z.array(z.enum(['allow', 'explicit-deny', 'implicit-deny'])).optional(),
});

const pathStep = z.object({ id: z.string(), name: z.string(), kind: z.string(), edge: z.string() });

/** A finding in the shape `ares scan --format json` writes. */
export const finding = z.looseObject({
  id: z.string(),
  kind: z.literal('privilege-bypass'),
  severity,
  denial: denialClass,
  cloud: z.string(),
  principal: named,
  entry: named,
  resource: named,
  actions: z.array(z.string()),
  path: z.array(pathStep),
  conditions: z.array(z.string()).optional(),
  denialReasons: z.array(reason).optional(),
  location: z.looseObject({ file: z.string() }).optional(),
});

const contextValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
  z.null(),
]);

// Bounded like `/v1/decide`'s fields (2,048 covers the longest ARN), so no tool call carries an unbounded name.
const nameRef = (what: string) => z.string().min(1).max(MAX_PRINCIPAL_LENGTH).describe(what);
const principalRef = nameRef(
  'requester: user or role name, ARN, or id (a function name stands for its role)',
);
const functionRef = nameRef('function: name, ARN, or id');

export const inputs = {
  listUserInvoke: { principal: principalRef },
  listServiceReach: {
    function: functionRef,
    transitive: z
      .boolean()
      .optional()
      .describe('also what every function it invokes or triggers reaches (default false)'),
  },
  listUserDeny: {
    principal: principalRef,
    includeImplicit: z
      .boolean()
      .optional()
      .describe('also accesses simply never granted (default false: explicit and guardrail denials)'),
  },
  findBypassPaths: {
    principal: principalRef.optional(),
    function: functionRef.describe('a function anywhere on the path (entry, hop, or holder)').optional(),
    resource: nameRef('resource: name, ARN, or id').optional(),
  },
  explainDecision: { principal: principalRef, function: functionRef },
  simulate: {
    principal: principalRef,
    action: z.string().min(1).describe('service:Action, e.g. dynamodb:PutItem'),
    resource: nameRef('resource: name, ARN, or id; any ARN or * for what-if'),
    context: z
      .record(z.string(), contextValue)
      .optional()
      .describe('request context keys (e.g. aws:SourceIp); keys left out stay unknown'),
  },
  listFindings: {
    severity: severity.optional(),
    kind: z.literal('privilege-bypass').optional(),
  },
};

const conditions = z.array(z.string()).optional();

export const outputs = {
  listUserInvoke: {
    principal: named,
    invokes: z.array(
      z.object({
        function: named,
        entry: z.object({ resource: namedKind, action: z.string(), via: z.string() }),
        conditions,
      }),
    ),
  },
  listServiceReach: {
    function: named,
    transitive: z.boolean(),
    reach: z.array(
      z.object({
        resource: namedKind,
        action: z.string(),
        holder: named,
        starts: named.optional(),
        conditions,
      }),
    ),
  },
  listUserDeny: {
    principal: named,
    denied: z.array(
      z.object({
        resource: namedKind,
        action: z.string(),
        denial: denialClass,
        decision: decisionKind,
        reasons: z.array(reason),
      }),
    ),
  },
  findBypassPaths: { findings: z.array(finding) },
  explainDecision: {
    decision: z.enum(['allow', 'block']),
    principal: named,
    function: named,
    reason: z.string(),
    path: z.array(pathStep).optional(),
    blockPoint: named.optional(),
    findings: z.array(z.string()),
    downstream: z.array(z.object({ blockPoint: named, findings: z.array(z.string()) })),
  },
  simulate: { principal: named, action: z.string(), resource: namedKind, decision },
  listFindings: { findings: z.array(finding) },
};
