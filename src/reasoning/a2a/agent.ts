/**
 * ares as an A2A v1.0 agent: an agent card (which declares bearer auth) and a JSON-RPC `SendMessage` endpoint. A
 * message with a `data` part `{function, principal?, chain?}` gets an agent message whose `data` part is the
 * engine's verdict with a summary of its trace. Built from @a2a-js/sdk's server pieces (DefaultRequestHandler,
 * InMemoryTaskStore, an AgentExecutor, JsonRpcTransportHandler), adapted to ares's web-standard routes.
 */
import { randomUUID } from 'node:crypto';
import {
  A2A_PROTOCOL_VERSION,
  A2A_VERSION_HEADER,
  AgentCard,
  Role,
  type Message,
  type Part,
} from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
  validateVersion,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type User,
} from '@a2a-js/sdk/server';
import type { DecideOutcome } from '../../runtime/decide.js';
import { AuditWriteError } from '../../runtime/decisionRecorder.js';
import { json, route, type Route } from '../../runtime/http.js';
import type { LoadedProfile } from '../../runtime/loadedProfile.js';
import { InvocationError } from '../engine/errors.js';
import { validateInvocation } from '../engine/engine.js';
import type { ReasoningOrchestrator } from '../engine/orchestrator.js';
import type { EngineResult, Invocation, TraceStep, Verdict } from '../engine/types.js';
import { NoEstateError } from '../profileView.js';

export const AGENT_CARD_ROUTE = '/.well-known/agent-card.json';
export const A2A_JSONRPC_ROUTE = '/a2a/jsonrpc';

export interface AresAgentCardOptions {
  /** The JSON-RPC endpoint's absolute URL. */
  url: string;
  version: string;
}

export function aresAgentCard(options: AresAgentCardOptions): AgentCard {
  return {
    name: 'ares',
    description:
      'Decides whether a serverless invocation is a privilege bypass (the requester is denied what the function ' +
      'would do on its behalf) and where to block it, from the Application Reachability Profile; every verdict is ' +
      'checked against the exact profile.',
    version: options.version,
    supportedInterfaces: [
      { url: options.url, protocolBinding: 'JSONRPC', protocolVersion: A2A_PROTOCOL_VERSION, tenant: '' },
    ],
    provider: undefined,
    capabilities: { streaming: false, pushNotifications: false, extensions: [] },
    securitySchemes: {
      bearer: {
        scheme: {
          $case: 'httpAuthSecurityScheme',
          value: {
            description: 'an ares API token (ARES_API_TOKEN or apiTokens in the serve config)',
            scheme: 'Bearer',
            bearerFormat: 'opaque',
          },
        },
      },
    },
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
    defaultInputModes: ['application/json'],
    defaultOutputModes: ['application/json'],
    skills: [
      {
        id: 'judge-invocation',
        name: 'Judge an invocation',
        description:
          'Send a data part {function, principal?, chain?}; the answer is a data part {verdict: {decision, ' +
          'blockPoint?, path?, reason, findingIds?}, verification, planner, cached, trace}.',
        tags: ['security', 'iam', 'serverless', 'privilege-bypass'],
        examples: ['{"function":"X","principal":"U"}'],
        inputModes: ['application/json'],
        outputModes: ['application/json'],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
}

/** The trace for another agent: each call and its one-line outcome, not the full tool answers. */
function traceSummary(trace: TraceStep[]): unknown[] {
  return trace.map((step) => {
    switch (step.kind) {
      case 'call':
        return {
          step: step.index,
          tool: step.tool,
          args: step.args,
          got: step.summary,
          ...(step.thought ? { thought: step.thought } : {}),
        };
      case 'error':
        return { step: step.index, ...(step.tool ? { tool: step.tool } : {}), error: step.problem };
      case 'conclusion':
        return { step: step.index, concluded: step.verdict.decision, reason: step.verdict.reason };
    }
  });
}

/** What the A2A answer's data part carries. */
export function a2aResultData(result: EngineResult): Record<string, unknown> {
  return {
    verdict: result.verdict,
    verification: {
      agrees: result.verification.agrees,
      exact: result.verification.exact.decision,
      ...(result.verification.fallback ? { fallback: result.verification.fallback } : {}),
    },
    planner: result.planner,
    cached: result.cached,
    profileVersion: result.profileVersion,
    elapsedMs: Math.round(result.elapsedMs * 1000) / 1000,
    trace: traceSummary(result.trace),
  };
}

function dataPart(value: unknown): Part {
  return {
    content: { $case: 'data', value },
    metadata: undefined,
    filename: '',
    mediaType: 'application/json',
  };
}

function textPart(value: string): Part {
  return { content: { $case: 'text', value }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

/** The invocation in a message: its first data part, or a text part holding the same JSON. */
function invocationIn(message: Message): unknown {
  for (const part of message.parts) if (part.content?.$case === 'data') return part.content.value as unknown;
  for (const part of message.parts) {
    if (part.content?.$case !== 'text') continue;
    try {
      return JSON.parse(part.content.value) as unknown;
    } catch {
      // Not JSON: try the next part.
    }
  }
  return undefined;
}

/**
 * The decision service's own answer for an invocation (the function `/v1/decide` uses), written to the audit log
 * (route `a2a`) before it resolves. Its decision is the one an A2A answer carries, so the two never disagree.
 */
export type ServiceDecide = (invocation: Invocation, profile: LoadedProfile) => Promise<DecideOutcome>;

export interface AresAgentExecutorOptions {
  /** The audited decision; without it (tests, embedding) the engine's verdict stands alone. */
  decide?: ServiceDecide;
  /** The profile a request is answered with (read once when the request arrived). */
  profileOf?: (context: ServerCallContext) => LoadedProfile | undefined;
  log?: (line: string) => void;
}

function serviceVerdict(outcome: DecideOutcome): Verdict {
  return {
    decision: outcome.decision,
    ...(outcome.blockPoint === undefined ? {} : { blockPoint: outcome.blockPoint }),
    ...(outcome.path === undefined ? {} : { path: outcome.path }),
    reason: outcome.reason,
    ...(outcome.findings === undefined ? {} : { findingIds: outcome.findings }),
  };
}

/** The answer's data part: the engine's result with the decision service's verdict winning where they differ. */
function answerData(
  invocation: Invocation,
  service: DecideOutcome | undefined,
  result: EngineResult | undefined,
  log: (line: string) => void,
): Record<string, unknown> {
  if (!result && service)
    // The function is not in the profile (or the engine cannot reason over it): the service's answer alone.
    return {
      verdict: serviceVerdict(service),
      decisionService: { decision: service.decision, agrees: true },
      planner: 'decision-service',
      cached: false,
      profileVersion: service.version,
      trace: [],
    };
  if (!result) throw new Error('no decision');
  const data = a2aResultData(result);
  if (!service) return data;
  const agrees = result.verdict.decision === service.decision;
  if (!agrees) {
    log(
      `A2A: the reasoning engine said ${result.verdict.decision} and the decision service ${service.decision} ` +
        `for ${service.function ?? invocation.function}; the decision service's answer stands`,
    );
    data.verdict = serviceVerdict(service);
  }
  data.decisionService = { decision: service.decision, agrees };
  return data;
}

export function aresAgentExecutor(
  orchestrator: ReasoningOrchestrator,
  options: AresAgentExecutorOptions = {},
): AgentExecutor {
  const log = options.log ?? ((line: string) => process.stderr.write(`ares a2a: ${line}\n`));
  return {
    execute: async (context: RequestContext, bus: ExecutionEventBus): Promise<void> => {
      let parts: Part[];
      try {
        const invocation = validateInvocation(invocationIn(context.userMessage));
        const profile = options.profileOf?.(context.context);
        const service = options.decide && profile ? await options.decide(invocation, profile) : undefined;
        let result: EngineResult | undefined;
        // An unknown function has nothing to reason about (and must not fill the engine's cache).
        if (service?.function !== null) {
          try {
            result = await orchestrator.decide(invocation);
          } catch (error) {
            if (!service) throw error;
            log(
              `A2A: the reasoning engine could not answer (${error instanceof Error ? error.name : 'error'})`,
            );
          }
        }
        const data = answerData(invocation, service, result, log);
        const v = data.verdict as Verdict;
        parts = [
          dataPart(data),
          textPart(`${v.decision}${v.blockPoint ? ` at ${v.blockPoint}` : ''}: ${v.reason}`),
        ];
      } catch (error) {
        // A bad question, an audit log that cannot be written, or a profile that cannot be questioned (no
        // estate): the asking agent is told which, never with internal detail.
        const [kind, message] =
          error instanceof InvocationError
            ? ['InvalidInvocation', error.problem]
            : error instanceof AuditWriteError
              ? ['AuditUnavailable', error.message]
              : error instanceof NoEstateError
                ? ['CannotDecide', error.message]
                : ['CannotDecide', 'the reasoning engine could not decide this invocation'];
        parts = [dataPart({ error: kind, message }), textPart(`${kind}: ${message}`)];
      }
      const reply: Message = {
        messageId: randomUUID(),
        contextId: context.contextId,
        taskId: '',
        role: Role.ROLE_AGENT,
        parts,
        metadata: undefined,
        extensions: [],
        referenceTaskIds: [],
      };
      // The SDK's bus takes events, not bare messages ("Unhandled event kind" otherwise).
      bus.publish(AgentEvent.message(reply));
      bus.finished();
    },
    cancelTask: (_taskId: string, bus: ExecutionEventBus): Promise<void> => {
      bus.finished();
      return Promise.resolve();
    },
  };
}

class ApiUser implements User {
  constructor(private readonly name: string) {}
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return this.name;
  }
}

export interface A2aRoutesOptions {
  orchestrator: ReasoningOrchestrator;
  version: string;
  /** The audited decision of the service (see ServiceDecide); `ares serve` always sets it. */
  decide?: ServiceDecide;
  log?: (line: string) => void;
}

/**
 * The A2A routes for `createAresServer({ extraRoutes })`: the agent card (public) and JSON-RPC (the server requires
 * a bearer token under `/a2a/`). The card's endpoint URL follows the Host the card was fetched through.
 */
export function a2aRoutes(options: A2aRoutesOptions): Route[] {
  const card = aresAgentCard({ url: `http://ares.invalid${A2A_JSONRPC_ROUTE}`, version: options.version });
  // The profile each call is answered with, found again by the executor through the SDK's call context.
  const profiles = new WeakMap<ServerCallContext, LoadedProfile>();
  const handler = new DefaultRequestHandler(
    card,
    new InMemoryTaskStore(),
    aresAgentExecutor(options.orchestrator, {
      ...(options.decide ? { decide: options.decide } : {}),
      profileOf: (context) => profiles.get(context),
      ...(options.log ? { log: options.log } : {}),
    }),
  );
  const transport = new JsonRpcTransportHandler(handler);
  return [
    route('GET', AGENT_CARD_ROUTE, (request) => {
      const host = request.headers.get('host') ?? 'localhost';
      const served = aresAgentCard({ url: `http://${host}${A2A_JSONRPC_ROUTE}`, version: options.version });
      return json(200, AgentCard.toJSON(served), { 'cache-control': 'no-cache' });
    }),
    route('POST', A2A_JSONRPC_ROUTE, async (request, scope) => {
      let body: unknown;
      try {
        body = JSON.parse(await request.text());
      } catch {
        return json(200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return json(200, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } });
      const id = (body as { id?: unknown }).id ?? null;
      const context = new ServerCallContext({
        requestedVersion: request.headers.get(A2A_VERSION_HEADER) ?? A2A_PROTOCOL_VERSION,
        user: new ApiUser(scope.caller?.principal ?? 'api-client'),
      });
      profiles.set(context, scope.profile);
      try {
        validateVersion(context.requestedVersion, card, 'JSONRPC');
        const out = await transport.handle(body as Record<string, unknown>, context);
        if (typeof (out as AsyncGenerator)[Symbol.asyncIterator] === 'function') {
          await (out as AsyncGenerator).return(undefined);
          return json(200, {
            jsonrpc: '2.0',
            id,
            error: { code: -32004, message: 'streaming is not supported' },
          });
        }
        return json(200, out);
      } catch (error) {
        return json(200, { jsonrpc: '2.0', id, error: JsonRpcTransportHandler.mapToJSONRPCError(error) });
      }
    }),
  ];
}
