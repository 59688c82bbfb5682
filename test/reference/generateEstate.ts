/**
 * Seeded generator of small AWS estates for the reference search: two stacks' tables, queues, a topic, a bucket
 * and the default bus; functions wired by queue, topic, stream and event-rule triggers (with filters and patterns)
 * and by their roles' grants, so chains, cycles and fan-out arise; users with allows, denies and boundaries.
 * Statements name estate resources, resources known only from policies, and patterns (a stack prefix, any
 * region and account). The generator records every resource id a statement names: the reference's universe.
 * No Math.random: `generateEstate(seed)` is a pure function of its seed.
 */
import { emptyEstate, type Estate, type Trigger } from '../../src/model/index.js';
import { mulberry32 } from '../differential/generate.js';
import { ACCOUNT, arn, identity, withFunction, withResource, withUser } from '../profile/estates.js';

export const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
const STREAM_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** What a statement can name, with the actions that make sense on it. */
interface Target {
  resource: string;
  actions: string[];
  /** A resource the estate does not hold: it becomes one only when a statement names it. */
  policyOnly?: boolean;
}

export interface GeneratedEstate {
  estate: Estate;
  users: string[];
  /** Every resource id statements named that the estate does not hold (policy-only ARNs and patterns). */
  namedByPolicies: Set<string>;
}

export function generateEstate(seed: number): GeneratedEstate {
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const some = <T>(list: readonly T[], max: number): T[] => {
    const out = new Set<T>();
    const n = 1 + Math.floor(rand() * max);
    for (let i = 0; i < n; i++) out.add(pick(list));
    return [...out];
  };
  const chance = (p: number): boolean => rand() < p;

  const estate = emptyEstate();
  const targets: Target[] = [];
  const tables: string[] = [];
  const queues: string[] = [];
  const topics: string[] = [];
  const tableActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

  for (const stack of ['stackA', 'stackB']) {
    for (const kind of ['orders', 'ledger']) {
      if (!chance(0.5)) continue;
      const id = withResource(estate, arn.table(`${stack}-${kind}`), `${stack}-${kind}`, 'dynamodb', 'table');
      tables.push(id);
      targets.push({ resource: id, actions: tableActions });
    }
    if (chance(0.5)) {
      const id = withResource(estate, arn.queue(`${stack}-jobs`), `${stack}-jobs`, 'sqs', 'queue');
      queues.push(id);
      targets.push({ resource: id, actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'] });
    }
  }
  if (chance(0.4)) {
    const id = withResource(estate, arn.topic('events'), 'events', 'sns', 'topic');
    topics.push(id);
    targets.push({ resource: id, actions: ['sns:Publish'] });
  }
  if (chance(0.3)) {
    const id = withResource(estate, 'arn:aws:s3:::files', 'files', 's3', 'bucket');
    targets.push({ resource: id, actions: ['s3:ListBucket'] });
    targets.push({ resource: `${id}/*`, actions: ['s3:GetObject', 's3:PutObject'] });
    // A key prefix is a key of its own once a policy names it.
    targets.push({ resource: `${id}/in/*`, actions: ['s3:GetObject', 's3:PutObject'], policyOnly: true });
  }
  const bus = chance(0.4);
  if (bus) {
    withResource(estate, BUS, 'default', 'events', 'event-bus');
    targets.push({ resource: BUS, actions: ['events:PutEvents'] });
  }
  // Named only by policies: an exact ARN and two patterns (a stack prefix; any region and account).
  targets.push({ resource: arn.table('ext-archive'), actions: tableActions, policyOnly: true });
  targets.push({ resource: arn.table('stackA-*'), actions: tableActions, policyOnly: true });
  targets.push({ resource: arn.table('stack?-orders'), actions: tableActions, policyOnly: true });
  targets.push({ resource: 'arn:aws:dynamodb:*:*:table/ext-*', actions: tableActions, policyOnly: true });

  const functionCount = 1 + Math.floor(rand() * 4);
  const functionIds = Array.from({ length: functionCount }, (_, i) => arn.fn(`fn${i}`));
  for (const id of functionIds) targets.push({ resource: id, actions: ['lambda:InvokeFunction'] });

  const namedByPolicies = new Set<string>();
  const statement = (effect: 'Allow' | 'Deny', from: readonly Target[]): object => {
    const target = pick(from);
    // Mostly the target itself; sometimes every resource, or a service-wide action wildcard.
    const resource = rand() < 0.1 ? '*' : target.resource;
    if (target.policyOnly && resource !== '*') namedByPolicies.add(target.resource);
    const actions = chance(0.15)
      ? [`${(target.actions[0] as string).split(':')[0]}:*`]
      : some(target.actions, 2);
    const out: Record<string, unknown> = { Effect: effect };
    // Now and then the negated forms: every action but these, every resource but this one.
    out[chance(0.05) ? 'NotAction' : 'Action'] = actions;
    out[resource !== '*' && chance(0.06) ? 'NotResource' : 'Resource'] = resource;
    if (chance(0.12)) out.Condition = { StringEquals: { 'aws:SourceVpce': 'vpce-1' } };
    else if (actions.includes('events:PutEvents') && chance(0.6))
      out.Condition = { StringEquals: { 'events:source': pick(['com.a', 'com.b']) } };
    return out;
  };

  for (let i = 0; i < functionCount; i++) {
    const statements = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => statement('Allow', targets));
    if (chance(0.15)) statements.push(statement('Deny', targets));
    withFunction(estate, `fn${i}`, statements);
  }
  const trigger = (t: Omit<Trigger, 'cloud'>): void => {
    estate.triggers.push({ cloud: 'aws', ...t });
  };
  for (const fn of functionIds) {
    if (queues.length > 0 && chance(0.4)) {
      const filters = chance(0.3) ? [pick(['{"body":{"k":["v"]}}', '{"detail":{"k":["v"]}}'])] : undefined;
      trigger({
        kind: 'queue',
        source: pick(queues),
        target: fn,
        firedBy: ['sqs:SendMessage'],
        ...(filters ? { filters } : {}),
      });
    }
    if (topics.length > 0 && chance(0.3))
      trigger({ kind: 'topic', source: pick(topics), target: fn, firedBy: ['sns:Publish'] });
    if (tables.length > 0 && chance(0.25))
      trigger({ kind: 'stream', source: pick(tables), target: fn, firedBy: STREAM_WRITES });
    if (bus && chance(0.4)) {
      const pattern = pick([
        '{"source":["com.a"]}',
        '{"source":["com.b","aws.s3"]}',
        '{"source":[{"prefix":"com."}]}',
      ]);
      trigger({
        kind: 'event-bus',
        source: BUS,
        target: fn,
        firedBy: ['events:PutEvents'],
        eventPattern: pattern,
      });
    }
  }

  const users: string[] = [];
  const userCount = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < userCount; i++) {
    const allows = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => statement('Allow', targets));
    const denies = Array.from({ length: Math.floor(rand() * 3) }, () => statement('Deny', targets));
    const user = withUser(estate, `user${i}`, [...allows, ...denies]);
    users.push(user);
    if (chance(0.2)) {
      const boundary = identity(user, 'boundary', [statement('Allow', targets), statement('Allow', targets)]);
      estate.policies.push({ ...boundary, type: 'permissions-boundary' });
    }
  }
  // A resource policy on a queue: grants a user (or anyone in the account) sending, or denies it.
  if (queues.length > 0 && chance(0.3)) {
    const queue = pick(queues);
    const principal = chance(0.5) ? { AWS: pick(users) } : '*';
    const condition =
      principal === '*' ? { Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } } : {};
    estate.policies.push({
      id: `${queue}#policy`,
      name: 'queue-policy',
      type: 'resource',
      attachedTo: queue,
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: chance(0.7) ? 'Allow' : 'Deny',
            Principal: principal,
            Action: 'sqs:SendMessage',
            Resource: queue,
            ...condition,
          },
        ],
      },
    });
  }
  return { estate, users, namedByPolicies };
}
