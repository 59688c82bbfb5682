/**
 * `ares drill`: enforcement proven on an estate, not assumed. Every function of the estate runs in this process
 * behind its real agent (`withAres`, with the compiled block table), on a local stand-in of the platform that speaks
 * the services' wire formats. Every finding's witness path is then replayed under every way its requester can arrive
 * (see `ArrivalMode`), and each must be refused at or before the harmful access; every path a requester may
 * legitimately take is replayed with the requester identified, and each must pass.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  signCallerContext,
  signerKey,
} from '../agent/callerContext.js';
import { instrument, withAres } from '../agent/index.js';
import type {
  Access,
  ArrivalMode,
  BlockTable,
  DrillAttack,
  DrillLegit,
  DrillReport,
  EstateAuthorizer,
  Finding,
} from '../model/index.js';
import {
  PlatformStandIn,
  sqsEvent,
  type Caller,
  type PlatformEstate,
  type SourceMessage,
} from './platformStandIn.js';
import { scriptOf, type RunScript } from './runScript.js';
import { legitimatePaths } from './legitimatePaths.js';
import { grants, type ReachabilityProfile } from '../profile/index.js';
import type { Estate } from '../model/index.js';

export const ARRIVAL_MODES: readonly ArrivalMode[] = [
  'platform-identity',
  'signed-context',
  'no-context',
  'tampered-context',
  'replayed-context',
  'lifted-context',
  'forged-event-identity',
];

/** What the drill needs of a scan. */
export interface DrillInput {
  estate: Estate;
  authorizer: EstateAuthorizer;
  profile: ReachabilityProfile;
  findings: Finding[];
  /**
   * Compiles the block table the agents load, with these functions' public keys (`signers`). Called after the
   * drill has given the estate's IAM principals their unique ids, as an IAM export would.
   */
  compile(signers: Record<string, string>): BlockTable;
  account: string;
  region: string;
}

export interface DrillOptions {
  /** At most this many legitimate paths are replayed (default 2,000). */
  maxLegit?: number;
}

const MARKER = /ares-drill:([0-9a-f-]{36})/;
const CLIENT_CONFIG = { maxAttempts: 1 };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** One in-flight run: its script, and what happened. */
interface RunState {
  script: RunScript;
  harmed: boolean;
  /** Functions that have acted in this run: a path visits each once, and a fan-out back to one is not a new step. */
  acted: Set<string>;
}

function accessKeyOf(prefix: string, principal: string): string {
  return `${prefix}${createHash('sha256').update(principal).digest('hex').slice(0, 16).toUpperCase()}`;
}

function nameOf(arn: string): string {
  const tail = arn.slice(arn.lastIndexOf(':') + 1);
  return tail.slice(tail.lastIndexOf('/') + 1);
}

/** The unique id the platform shows for a principal: `AIDA…` for users, `AROA…:session` for roles. */
function uniqueIdOf(principal: string): string {
  const digest = createHash('sha256').update(principal).digest('hex').slice(0, 17).toUpperCase();
  return /:role\//.test(principal) ? `AROA${digest}:ares-drill` : `AIDA${digest}`;
}

export async function runDrill(input: DrillInput, options: DrillOptions = {}): Promise<DrillReport> {
  const { estate, authorizer, account, region } = input;
  const keys = generateKeyPair(); // ares serve's: it mints the root tokens
  const signingKey = importPrivateKey(keys.privateKeyPem);
  const publicKey = importPublicKey(keys.publicKeyPem);
  const runs = new Map<string, RunState>();

  // The platform's unique ids (`AIDA…`, `AROA…`), as an IAM export gives them, so that SQS and S3 name writers.
  for (const p of estate.principals)
    if ((p.kind === 'user' || p.kind === 'role') && p.uniqueId === undefined) p.uniqueId = uniqueIdOf(p.id);
  // Every function signs the hop tokens it passes on with a key of its own.
  const functionKeys = new Map(estate.functions.map((f) => [f.id, generateKeyPair()]));
  const signers = Object.fromEntries(
    [...functionKeys].map(([id, pair]) => [id, signerKey(pair.publicKeyPem)]),
  );
  const table = input.compile(signers);
  const requesters = authorizer.requesters();
  const knownUniqueIds = new Map(estate.principals.map((p) => [p.id, p.uniqueId]));
  const uniqueOf = (principal: string): string => knownUniqueIds.get(principal) ?? uniqueIdOf(principal);

  // Who signs each request: requesters (a person's role session is `ares-drill`), and each function's role
  // session, named after the function as Lambda names it.
  const callers = new Map<string, Caller>();
  for (const r of requesters) {
    const unique = uniqueOf(r.id);
    callers.set(accessKeyOf('AKIA', r.id), {
      principal: r.id,
      sender: unique.startsWith('AROA') ? `${unique}:ares-drill` : unique,
    });
  }
  for (const f of estate.functions) {
    if (!f.identity) continue;
    callers.set(accessKeyOf('ASIA', f.id), {
      principal: f.identity,
      sender: `${uniqueOf(f.identity)}:${f.name}`,
    });
  }
  const functionNames = new Map(estate.functions.map((f) => [f.id, f.name]));
  const handlers = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
  const platformEstate: PlatformEstate = {
    account,
    region,
    callers,
    functions: handlers,
    functionNames,
    entries: authorizer.entryPoints(),
    // Conditional grants count: an attacker may meet the condition.
    allows: (principal, access) => grants(authorizer.decide(principal, access)).granted,
  };
  const platform = new PlatformStandIn(platformEstate);
  const url = await platform.start();
  /** SDK clients that sign as a requester (`AKIA…` key of its id) or as a function (`ASIA…` key of its id). */
  const clientsOf = (key: string) => {
    const credentials = { accessKeyId: key, secretAccessKey: 'ares-drill' };
    const config = { endpoint: url, region, credentials, ...CLIENT_CONFIG };
    return {
      lambda: new LambdaClient(config),
      sqs: new SQSClient(config),
      sns: new SNSClient(config),
      events: new EventBridgeClient(config),
    };
  };

  /** A write or invoke by `principal` (a function's identity or a requester), through the real SDK clients. */
  const perform = async (
    key: string,
    access: Access,
    marker: string,
    extra: { clientContext?: string; attribute?: string; event?: unknown } = {},
    clients = clientsOf(key),
  ): Promise<void> => {
    const payload = JSON.stringify(extra.event ?? { drill: marker });
    switch (access.action) {
      case 'lambda:InvokeFunction': {
        await clients.lambda
          .send(
            new InvokeCommand({
              FunctionName: nameOf(access.resource),
              Payload: Buffer.from(payload),
              ...(extra.clientContext !== undefined ? { ClientContext: extra.clientContext } : {}),
            }),
          )
          .catch(() => undefined); // a refusal is recorded by the platform
        return;
      }
      case 'sqs:SendMessage':
        await clients.sqs
          .send(
            new SendMessageCommand({
              QueueUrl: `${url}/${account}/${nameOf(access.resource)}`,
              MessageBody: payload,
              ...(extra.attribute !== undefined
                ? { MessageAttributes: { ares: { DataType: 'String', StringValue: extra.attribute } } }
                : {}),
            }),
          )
          .catch(() => undefined);
        return;
      case 'sns:Publish':
        await clients.sns
          .send(
            new PublishCommand({
              TopicArn: access.resource,
              Message: payload,
              ...(extra.attribute !== undefined
                ? { MessageAttributes: { ares: { DataType: 'String', StringValue: extra.attribute } } }
                : {}),
            }),
          )
          .catch(() => undefined);
        return;
      case 'events:PutEvents':
        await clients.events
          .send(
            new PutEventsCommand({
              Entries: [
                {
                  EventBusName: access.resource,
                  Source: 'ares.drill',
                  DetailType: 'ares drill',
                  Detail: JSON.stringify({
                    drill: marker,
                    ...(extra.attribute !== undefined ? { _ares: extra.attribute } : {}),
                  }),
                },
              ],
            }),
          )
          .catch(() => undefined);
        return;
      default: {
        // S3 writes and other sources: the platform is told directly (no SDK of those services is needed here,
        // and the agent carries no context through them: their consumers see the platform's identity or none).
        const message: SourceMessage = { body: payload, attributes: {}, key: marker };
        const resource = access.resource.replace(/\*$/, marker);
        const caller = callers.get(key);
        if (caller) await platform.write(caller, { resource, action: access.action }, message);
      }
    }
  };

  // Every function: its real agent around a handler that follows the run's script.
  for (const fn of estate.functions) {
    const key = accessKeyOf('ASIA', fn.id);
    const clients = clientsOf(key);
    for (const client of Object.values(clients)) instrument(client);
    const handler = withAres(
      async (event: unknown) => {
        const runId = MARKER.exec(JSON.stringify(event ?? null))?.[1];
        const run = runId === undefined ? undefined : runs.get(runId);
        const step = run?.script.steps.get(fn.id);
        if (!run || !step || runId === undefined || run.acted.has(fn.id)) return 'idle';
        run.acted.add(fn.id);
        if ('harm' in step) {
          run.harmed = true;
          return 'performed';
        }
        await perform(key, step.next, `ares-drill:${runId}`, {}, clients);
        return 'passed on';
      },
      {
        platform: 'aws',
        functionId: fn.id,
        blockTable: table,
        publicKey,
        signingKey: functionKeys.get(fn.id)?.privateKeyPem,
        logger: quiet,
        env: {},
      },
    );
    handlers.set(fn.name, handler as unknown as (event: unknown, context: unknown) => Promise<unknown>);
  }

  const mint = (origin: string, entryFunction: string): string =>
    signCallerContext({ origin, chain: [entryFunction], version: table.version }, signingKey);

  /** Replays a script once; returns where it was refused, or null when the harmful access was performed. */
  const replay = async (
    script: RunScript,
    arrive: (marker: string) => Promise<void>,
  ): Promise<{ blockedAt: string | null; harmed: boolean }> => {
    const runId = randomUUID();
    const state: RunState = { script, harmed: false, acted: new Set() };
    runs.set(runId, state);
    const deliveriesBefore = platform.deliveries.length;
    const refusalsBefore = platform.refusals.length;
    try {
      await arrive(`ares-drill:${runId}`);
    } finally {
      runs.delete(runId);
    }
    const blocked = platform.deliveries
      .slice(deliveriesBefore)
      .find((d) => d.error === 'ARESBlocked' || d.error === 'AgentConfigError');
    if (state.harmed) return { blockedAt: null, harmed: true };
    if (blocked) return { blockedAt: blocked.function, harmed: false };
    if (platform.refusals.length > refusalsBefore) return { blockedAt: 'platform', harmed: false };
    return { blockedAt: 'not reached', harmed: false };
  };

  const clientContextOf = (token: string): string =>
    Buffer.from(JSON.stringify({ custom: { ares: token } })).toString('base64');

  /** The entry request of a script, by `principal`, with a token or an event of the mode's making. */
  const enter = async (
    script: RunScript,
    principal: string,
    marker: string,
    how: { token?: string; event?: unknown; platformIdentity?: boolean },
  ): Promise<void> => {
    const { entry } = script;
    const key = accessKeyOf('AKIA', principal);
    if (entry.direct) {
      await perform(key, entry.access, marker, {
        ...(how.token !== undefined ? { clientContext: clientContextOf(how.token) } : {}),
        ...(how.event !== undefined ? { event: how.event } : {}),
      });
      return;
    }
    await perform(key, entry.access, marker, how.token !== undefined ? { attribute: how.token } : {});
  };

  /**
   * The person whose identity the attacker steals: another requester who may make the same entry request and whom
   * no function of the script blocks (so that her own request passes and uses up her token first).
   */
  const bystanderFor = (script: RunScript, principal: string): string | undefined =>
    requesters
      .map((r) => r.id)
      .find(
        (id) =>
          id !== principal &&
          platformEstate.allows(id, script.entry.access) &&
          [...script.steps.keys()].every((fn) => !Object.hasOwn(table.functions[fn]?.blocked ?? {}, id)),
      );

  const attacks: DrillAttack[] = [];
  for (const finding of input.findings) {
    const script = scriptOf(finding.path);
    if (!script) continue;
    const u = script.principal;
    const via = script.entry.direct ? 'invoke' : kindOfWrite(script.entry.access.action);
    const bystander = bystanderFor(script, u);
    const harm = { action: finding.actions[0] ?? '', resource: finding.resource.id };
    for (const mode of ARRIVAL_MODES) {
      let arrive: ((marker: string) => Promise<void>) | undefined;
      switch (mode) {
        case 'platform-identity':
          // Only where the platform names the sender to the function: SQS SenderId, S3 principalId.
          if (via === 'queue' || via === 'object-store') arrive = (m) => enter(script, u, m, {});
          break;
        case 'signed-context':
          arrive = (m) => enter(script, u, m, { token: mint(u, script.entry.function) });
          break;
        case 'no-context':
          if (via !== 'queue' && via !== 'object-store') arrive = (m) => enter(script, u, m, {});
          break;
        case 'tampered-context':
          arrive = (m) =>
            enter(script, u, m, { token: tamper(mint(u, script.entry.function), bystander ?? 'nobody') });
          break;
        case 'replayed-context': {
          arrive = async (m) => {
            const token = mint(u, script.entry.function);
            await replay(script, (first) => enter(script, u, first, { token }));
            await enter(script, u, m, { token });
          };
          break;
        }
        case 'lifted-context':
          if (bystander !== undefined)
            arrive = async (m) => {
              // The bystander's own request, first; then u presents the token lifted from it.
              const token = mint(bystander, script.entry.function);
              await replay(script, (first) =>
                enter(script, bystander, first, { token }).catch(() => undefined),
              );
              await enter(script, u, m, { token });
            };
          break;
        case 'forged-event-identity':
          if (bystander !== undefined)
            arrive = (m) =>
              perform(
                accessKeyOf('AKIA', u),
                { resource: script.entry.function, action: 'lambda:InvokeFunction' },
                m,
                {
                  event: forgedEvent(via, script, uniqueOf(bystander), bystander, region, m),
                },
              );
          break;
      }
      if (!arrive) continue;
      const outcome = await replay(script, arrive);
      attacks.push({
        finding: finding.id,
        mode,
        blockedAt: outcome.harmed ? null : outcome.blockedAt,
        principal: finding.principal.name,
        access: harm,
      });
    }
  }

  const legit: DrillLegit[] = [];
  let perOrigin = 0;
  for (const path of legitimatePaths(input.profile, authorizer, options.maxLegit ?? 2000)) {
    const script = scriptOf(path);
    if (!script) continue;
    // Before the handler runs an agent refuses an origin outright where it is blocked for any access; such a
    // path can pass only in call mode, where each SDK call is checked on its own.
    if (
      [...script.steps.keys()].some((fn) =>
        Object.hasOwn(table.functions[fn]?.blocked ?? {}, script.principal),
      )
    ) {
      perOrigin++;
      continue;
    }
    const u = script.principal;
    const via = script.entry.direct ? 'invoke' : kindOfWrite(script.entry.access.action);
    const outcome = await replay(script, (m) =>
      via === 'queue' || via === 'object-store'
        ? enter(script, u, m, {})
        : enter(script, u, m, { token: mint(u, script.entry.function) }),
    );
    legit.push({
      principal: path[0]?.name ?? u,
      path: script.names,
      passed: outcome.harmed,
      ...(outcome.harmed ? {} : { blockedAt: outcome.blockedAt ?? 'not reached' }),
    });
  }
  await platform.stop();

  return {
    version: 1,
    attacks,
    legit,
    summary: {
      attacks: attacks.length,
      blocked: attacks.filter((a) => a.blockedAt !== null).length,
      legit: legit.length,
      passed: legit.filter((l) => l.passed).length,
      legitBlockedPerOrigin: perOrigin,
    },
  };
}

function kindOfWrite(action: string): string {
  if (action.startsWith('sqs:')) return 'queue';
  if (action.startsWith('sns:')) return 'topic';
  if (action.startsWith('s3:')) return 'object-store';
  if (action.startsWith('events:')) return 'event-bus';
  if (action.startsWith('execute-api:')) return 'http';
  return 'other';
}

/** The token with its origin rewritten and its signature kept. */
function tamper(token: string, origin: string): string {
  const [payload, signature] = token.split('.');
  const fields = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  fields.o = origin;
  return `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${signature ?? ''}`;
}

/** An event naming the bystander as if the platform had: what a direct invoker can write into any payload. */
function forgedEvent(
  via: string,
  script: RunScript,
  unique: string,
  bystander: string,
  region: string,
  marker: string,
): unknown {
  const message: SourceMessage = { body: JSON.stringify({ drill: marker }), attributes: {} };
  if (via === 'queue') return sqsEvent(script.entry.access.resource, region, message, unique);
  if (via === 'object-store')
    return {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: `AWS:${unique}` },
          s3: { bucket: { name: 'forged' }, object: { key: marker } },
        },
      ],
    };
  return {
    drill: marker,
    requestContext: {
      identity: { userArn: bystander },
      authorizer: { iam: { userArn: bystander } },
    },
  };
}
