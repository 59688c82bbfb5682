/**
 * Seeded generator of random-but-meaningful AWS authorization cases for the differential test
 * against iam-simulate and for the benchmark.
 *
 * The universe is small on purpose (2 accounts, a handful of principals, a dozen real actions over
 * s3, sqs, dynamodb, lambda, sns and secretsmanager, two resources per service and account) so that
 * generated statements match the request often and every layer of the evaluation logic is exercised.
 *
 * Every case records the features it uses (`features`), so that an allowlisted disagreement can be
 * matched against a class of cases rather than a single one.
 *
 * No Math.random: `generateCase(seed, index)` is a pure function of its arguments.
 */
import type {
  AwsPolicySetInput,
  AwsRequest,
  ContextValue,
  NamedPolicy,
} from '../../src/providers/aws/index.js';

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small, fast 32-bit PRNG; good enough for test-case generation. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the run seed and the case index into an independent per-case seed (splitmix32-style). */
export function caseSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![1];
  }
  /** k distinct items (k clamped to the list length), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < k && copy.length > 0) {
      out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0] as T);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// The universe
// ---------------------------------------------------------------------------------------------

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';
export const ACCOUNTS = [ACCOUNT_A, ACCOUNT_B] as const;
const REGION = 'us-east-1';

export type PrincipalKind = 'user' | 'role' | 'session' | 'service';

export interface PrincipalInfo {
  kind: PrincipalKind;
  arn: string;
  account?: string;
  /** aws:username for IAM users. */
  username?: string;
  /** The role ARN (with path) behind a role or an assumed-role session. */
  roleArn?: string;
}

interface PrincipalTemplate {
  kind: Exclude<PrincipalKind, 'service'>;
  make(account: string): PrincipalInfo;
}

const PRINCIPAL_TEMPLATES: PrincipalTemplate[] = [
  {
    kind: 'user',
    make: (a) => ({ kind: 'user', arn: `arn:aws:iam::${a}:user/alice`, account: a, username: 'alice' }),
  },
  {
    kind: 'user',
    make: (a) => ({ kind: 'user', arn: `arn:aws:iam::${a}:user/dev/bob`, account: a, username: 'bob' }),
  },
  {
    kind: 'role',
    make: (a) => ({
      kind: 'role',
      arn: `arn:aws:iam::${a}:role/AppRole`,
      account: a,
      roleArn: `arn:aws:iam::${a}:role/AppRole`,
    }),
  },
  {
    kind: 'session',
    make: (a) => ({
      kind: 'session',
      arn: `arn:aws:sts::${a}:assumed-role/AppRole/sess-1`,
      account: a,
      roleArn: `arn:aws:iam::${a}:role/AppRole`,
    }),
  },
  {
    kind: 'session',
    make: (a) => ({
      kind: 'session',
      arn: `arn:aws:sts::${a}:assumed-role/Worker/i-0abc123`,
      account: a,
      roleArn: `arn:aws:iam::${a}:role/service/Worker`,
    }),
  },
];

const SERVICE_PRINCIPALS = [
  'sns.amazonaws.com',
  'events.amazonaws.com',
  's3.amazonaws.com',
  'lambda.amazonaws.com',
] as const;

export type Service = 's3' | 'sqs' | 'dynamodb' | 'lambda' | 'sns' | 'secretsmanager';

interface ActionSpec {
  service: Service;
  name: string;
  /** The kind of resource the action takes; picks the ARN shape. */
  resource: 'object' | 'bucket' | 'queue' | 'table' | 'function' | 'topic' | 'secret';
  /** Condition keys (besides the global ones) that a real request for this action carries. */
  keys: string[];
}

/** Real actions with their real resource types (checked against the iam-simulate catalogue: 0 errors). */
export const ACTIONS: ActionSpec[] = [
  { service: 's3', name: 'GetObject', resource: 'object', keys: [] },
  { service: 's3', name: 'PutObject', resource: 'object', keys: [] },
  { service: 's3', name: 'ListBucket', resource: 'bucket', keys: ['s3:prefix', 's3:max-keys'] },
  { service: 'sqs', name: 'SendMessage', resource: 'queue', keys: ['aws:ResourceTag/env'] },
  {
    service: 'sqs',
    name: 'TagQueue',
    resource: 'queue',
    keys: ['aws:RequestTag/env', 'aws:TagKeys', 'aws:ResourceTag/env'],
  },
  { service: 'dynamodb', name: 'GetItem', resource: 'table', keys: ['aws:ResourceTag/env'] },
  { service: 'dynamodb', name: 'PutItem', resource: 'table', keys: ['aws:ResourceTag/env'] },
  { service: 'lambda', name: 'InvokeFunction', resource: 'function', keys: ['aws:ResourceTag/env'] },
  { service: 'sns', name: 'Publish', resource: 'topic', keys: ['aws:ResourceTag/env'] },
  {
    service: 'sns',
    name: 'TagResource',
    resource: 'topic',
    keys: ['aws:RequestTag/env', 'aws:TagKeys', 'aws:ResourceTag/env'],
  },
  { service: 'secretsmanager', name: 'GetSecretValue', resource: 'secret', keys: ['aws:ResourceTag/env'] },
  {
    service: 'secretsmanager',
    name: 'CreateSecret',
    resource: 'secret',
    keys: ['aws:RequestTag/env', 'aws:TagKeys'],
  },
];

/** Other actions, only used in policies (never requested), to make non-matching action patterns. */
const OTHER_ACTIONS = [
  's3:DeleteObject',
  'sqs:ReceiveMessage',
  'dynamodb:DeleteItem',
  'lambda:UpdateFunctionCode',
  'sns:Subscribe',
  'secretsmanager:PutSecretValue',
  'iam:PassRole',
  'kms:Decrypt',
];

/** S3 buckets are global names; each is owned by one account. */
const BUCKETS: Record<string, string> = { 'ares-data': ACCOUNT_A, 'ares-logs': ACCOUNT_B };
const OBJECT_KEYS = [
  'home/alice/notes.txt',
  'home/bob/todo.txt',
  'public/index.html',
  'reports/2024/q1.csv',
  'teams/red/plan.txt',
];
const QUEUES = ['orders', 'red-jobs'];
const TABLES = ['Users', 'Orders'];
const FUNCTIONS = ['processor', 'thumbnailer'];
const TOPICS = ['alerts', 'events'];
const SECRETS = ['prod/db-AbCdEf', 'dev/api-XyZ123'];

function resourceArn(rng: Rng, spec: ActionSpec, account: string): { arn: string; account: string } {
  switch (spec.resource) {
    case 'object': {
      const bucket = bucketOwnedBy(account);
      return { arn: `arn:aws:s3:::${bucket}/${rng.pick(OBJECT_KEYS)}`, account };
    }
    case 'bucket':
      return { arn: `arn:aws:s3:::${bucketOwnedBy(account)}`, account };
    case 'queue':
      return { arn: `arn:aws:sqs:${REGION}:${account}:${rng.pick(QUEUES)}`, account };
    case 'table':
      return { arn: `arn:aws:dynamodb:${REGION}:${account}:table/${rng.pick(TABLES)}`, account };
    case 'function':
      return { arn: `arn:aws:lambda:${REGION}:${account}:function:${rng.pick(FUNCTIONS)}`, account };
    case 'topic':
      return { arn: `arn:aws:sns:${REGION}:${account}:${rng.pick(TOPICS)}`, account };
    case 'secret':
      return { arn: `arn:aws:secretsmanager:${REGION}:${account}:secret:${rng.pick(SECRETS)}`, account };
  }
}

function bucketOwnedBy(account: string): string {
  const entry = Object.entries(BUCKETS).find(([, owner]) => owner === account);
  if (!entry) throw new Error(`no bucket for ${account}`);
  return entry[0];
}

/** Services whose resources RCPs apply to (AWS Organizations docs, list of RCP-supported services). */
export const RCP_SUPPORTED_SERVICES: ReadonlySet<string> = new Set([
  's3',
  'sqs',
  'dynamodb',
  'secretsmanager',
  'sts',
  'kms',
]);

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

export interface DiffCase {
  /** Position in the run (with `seed`, enough to regenerate the case). */
  index: number;
  seed: number;
  request: AwsRequest;
  policies: AwsPolicySetInput;
  /**
   * Context keys AWS puts in every request of this principal (aws:PrincipalArn, aws:PrincipalAccount, aws:username
   * for IAM users, aws:ResourceAccount, aws:PrincipalIsAWSService), with their true values. The oracle always gets
   * them (beneath `request.context`); ares gets only what `request.context` holds and must derive the rest.
   */
  awsContext: Record<string, string>;
  /** Sorted, de-duplicated feature tags (see the list at `Features` below). */
  features: string[];
}

/**
 * Feature tags, so allowlist entries can name a class of cases:
 * - `principal:<user|role|session|service>`, `account:<same|cross>`, `service:<svc>`, `action:<svc:Action>`
 * - `layer:<identity|resource|boundary|session|scp|rcp>`, `identity:none`
 * - `rp-principal:<form>`, `rp-notprincipal:<form>`, `rp-notprincipal-<allow|deny>` (forms: star, account-id,
 *   root-arn, user-arn, role-arn, session-arn, service, other-account, list)
 * - `op:<BaseOperator>`, `op:IfExists`, `set:<ForAnyValue|ForAllValues>`, `cond-key:<key lower-case>`
 * - `set-op-on-single-valued-key`, `policy-value-native:<bool|number>`, `date-epoch-vs-iso`
 * - `ctx-ipv6`: the request's aws:SourceIp is an IPv6 address.
 * - `ctx:<key lower-case>`, `ctx-multi:<key>`, `ctx-multi-empty:<key>`, `ctx-native:<key>`, `ctx-null:<key>`,
 *   `ctx-derived-only:<key>` (a key AWS always sets, given to the oracle but left for ares to derive)
 * - `var:<aws:username|aws:principaltag/team>`, `var-in:<resource|condition>`, `version:<none|2008-10-17>`
 * - `action-pattern:<wildcard|oddcase|list>`, `notaction`, `notresource`, `resource-pattern:<wildcard|oddcase>`
 * - `rcp:unsupported-service`, `rcp:service-principal`, `np-deny-with-boundary`, `scp:allow-condition`
 * - `notprincipal-names-whole-chain` / `notprincipal-names-part-of-chain`: how much of the caller's identity chain
 *   (account, role, session or user; see `identityChain`) a NotPrincipal element names
 */
class FeatureSet {
  private readonly set = new Set<string>();
  add(...tags: string[]): void {
    for (const t of tags) this.set.add(t);
  }
  has(tag: string): boolean {
    return this.set.has(tag);
  }
  sorted(): string[] {
    return [...this.set].sort();
  }
}

interface GenState {
  rng: Rng;
  f: FeatureSet;
  principal: PrincipalInfo;
  action: ActionSpec;
  actionName: string;
  resource: string;
  resourceAccount: string;
  /** The other principals of the universe (for Principal elements and condition values). */
  universe: PrincipalInfo[];
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Statement = Record<string, Json>;
type Policy = { Version?: string; Statement: Statement[] | Statement };

type PolicyKind = 'identity' | 'boundary' | 'session' | 'scp' | 'rcp' | 'resource';

// -- condition keys ----------------------------------------------------------------------------

type KeyType = 'string' | 'arn' | 'ip' | 'date' | 'epoch' | 'bool' | 'numeric' | 'multi';

interface KeySpec {
  key: string;
  type: KeyType;
  /** Values a request may carry. */
  context: (s: GenState) => string[];
  /** Values a policy may compare against. */
  policy: (s: GenState) => Json[];
}

const ip = {
  ctx: ['10.1.2.3', '203.0.113.45', '192.0.2.7', '198.51.100.9', '2001:db8::1'],
  pol: ['10.0.0.0/8', '203.0.113.0/24', '192.0.2.7/32', '192.0.2.7', '2001:db8::/32', '198.51.100.0/25'],
};

const KEYS: KeySpec[] = [
  { key: 'aws:SourceIp', type: 'ip', context: () => ip.ctx, policy: () => ip.pol },
  {
    key: 'aws:PrincipalTag/team',
    type: 'string',
    context: () => ['red', 'blue'],
    policy: () => ['red', 'blue', 'r*', 'RED', 'gr?en'],
  },
  {
    key: 'aws:RequestTag/env',
    type: 'string',
    context: () => ['prod', 'dev', 'red'],
    policy: () => ['prod', 'dev', 'pr?d', 'd*', '${aws:PrincipalTag/team}'],
  },
  {
    key: 'aws:ResourceTag/env',
    type: 'string',
    context: () => ['prod', 'dev', 'red', 'blue'],
    policy: () => ['prod', 'dev', '${aws:PrincipalTag/team}', 'p*'],
  },
  {
    key: 'aws:TagKeys',
    type: 'multi',
    context: () => ['env', 'team', 'owner', 'Env'],
    policy: () => ['env', 'team', 'own*', 'cost-center'],
  },
  {
    key: 'aws:CurrentTime',
    type: 'date',
    context: () => ['2024-06-01T12:00:00Z', '2025-01-15T08:30:00Z', '2023-12-31T23:59:59Z'],
    policy: () => [
      '2024-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
      '2024-06-01T12:00:00Z',
      '2024-06-01',
      '1717243200',
    ],
  },
  {
    key: 'aws:EpochTime',
    type: 'epoch',
    context: () => ['1717243200', '1736929800', '1704067199'],
    policy: () => ['1717243200', '1704067200', '1735689600'],
  },
  {
    key: 'aws:MultiFactorAuthPresent',
    type: 'bool',
    context: () => ['true', 'false'],
    policy: () => ['true', 'false'],
  },
  {
    key: 'aws:SecureTransport',
    type: 'bool',
    context: () => ['true', 'false'],
    policy: () => ['true', 'false'],
  },
  {
    key: 'aws:SourceArn',
    type: 'arn',
    context: () => [
      `arn:aws:sns:${REGION}:${ACCOUNT_A}:alerts`,
      'arn:aws:s3:::ares-data',
      `arn:aws:events:${REGION}:${ACCOUNT_B}:rule/nightly`,
    ],
    policy: () => [
      `arn:aws:sns:${REGION}:${ACCOUNT_A}:alerts`,
      `arn:aws:sns:*:${ACCOUNT_A}:*`,
      `arn:aws:events:${REGION}:*:rule/*`,
      'arn:aws:s3:::ares-*',
    ],
  },
  { key: 'aws:SourceAccount', type: 'string', context: () => [...ACCOUNTS], policy: () => [...ACCOUNTS] },
  {
    key: 's3:prefix',
    type: 'string',
    context: () => ['home/alice/', 'home/bob/', 'public/', ''],
    policy: () => ['home/${aws:username}/', 'public/*', 'home/*', 'home/alice/'],
  },
  {
    key: 's3:max-keys',
    type: 'numeric',
    context: () => ['10', '1000', '100'],
    policy: () => ['100', '10', '500'],
  },
  {
    key: 'aws:PrincipalArn',
    type: 'arn',
    context: (s) =>
      s.principal.kind === 'service'
        ? []
        : [s.principal.kind === 'user' ? s.principal.arn : s.principal.roleArn!],
    policy: (s) => [
      `arn:aws:iam::${s.resourceAccount}:role/AppRole`,
      `arn:aws:iam::*:role/service/*`,
      `arn:aws:iam::${ACCOUNT_A}:user/*`,
      `arn:aws:iam::${s.principal.account ?? ACCOUNT_A}:user/alice`,
    ],
  },
  {
    key: 'aws:PrincipalAccount',
    type: 'string',
    context: (s) => (s.principal.account ? [s.principal.account] : []),
    policy: () => [...ACCOUNTS],
  },
  {
    key: 'aws:username',
    type: 'string',
    context: (s) => (s.principal.username ? [s.principal.username] : []),
    policy: () => ['alice', 'bob', 'al*'],
  },
  {
    key: 'aws:ResourceAccount',
    type: 'string',
    context: (s) => [s.resourceAccount],
    policy: () => [...ACCOUNTS],
  },
  {
    key: 'aws:PrincipalIsAWSService',
    type: 'bool',
    context: (s) => [s.principal.kind === 'service' ? 'true' : 'false'],
    policy: () => ['true', 'false'],
  },
];

/** Keys AWS sets on every request from this principal, with their true values. */
function awsImplicitContext(s: Pick<GenState, 'principal' | 'resourceAccount'>): Record<string, string> {
  const { principal } = s;
  const out: Record<string, string> = {
    'aws:ResourceAccount': s.resourceAccount,
    'aws:PrincipalIsAWSService': principal.kind === 'service' ? 'true' : 'false',
  };
  if (principal.kind === 'service') return out;
  out['aws:PrincipalArn'] = principal.kind === 'user' ? principal.arn : principal.roleArn!;
  if (principal.account) out['aws:PrincipalAccount'] = principal.account;
  if (principal.username) out['aws:username'] = principal.username;
  return out;
}

const KEY_BY_NAME = new Map(KEYS.map((k) => [k.key, k]));
function keySpec(name: string): KeySpec {
  const spec = KEY_BY_NAME.get(name);
  if (!spec) throw new Error(`unknown key ${name}`);
  return spec;
}

/** Keys that a real request for this action by this principal may carry. */
function requestKeys(s: GenState): string[] {
  const keys = [
    'aws:SourceIp',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:SecureTransport',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:ResourceAccount',
    'aws:PrincipalIsAWSService',
  ];
  if (s.principal.kind === 'service') {
    keys.push('aws:SourceArn', 'aws:SourceAccount');
  } else {
    keys.push('aws:MultiFactorAuthPresent', 'aws:PrincipalTag/team');
    if (s.principal.kind === 'user') keys.push('aws:username');
  }
  keys.push(...s.action.keys);
  return keys;
}

const OPS_BY_TYPE: Record<KeyType, string[]> = {
  string: [
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringLike',
    'StringNotLike',
  ],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike'],
  ip: ['IpAddress', 'NotIpAddress'],
  date: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  epoch: [
    'DateLessThan',
    'DateGreaterThanEquals',
    'NumericLessThan',
    'NumericGreaterThanEquals',
    'NumericEquals',
    'NumericNotEquals',
  ],
  bool: ['Bool'],
  numeric: [
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ],
  multi: ['StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike'],
};

/** Keys policies condition on; a few are not in every request (they are then absent). */
const CONDITION_KEYS = KEYS.map((k) => k.key);

function genConditionBlock(
  s: GenState,
  kind: PolicyKind,
  effect: 'Allow' | 'Deny',
): Record<string, Record<string, Json>> {
  const { rng, f } = s;
  const block: Record<string, Record<string, Json>> = {};
  const nOps = rng.weighted([
    [70, 1],
    [25, 2],
    [5, 3],
  ] as const);
  for (let i = 0; i < nOps; i++) {
    // Prefer keys the request may carry, so that conditions are decided by values more often than by absence.
    const reqKeys = requestKeys(s);
    const key = rng.chance(0.75) ? rng.pick(reqKeys) : rng.pick(CONDITION_KEYS);
    const spec = keySpec(key);
    let op: string;
    if (rng.chance(0.06)) {
      op = 'Null';
    } else if (rng.chance(0.04) && spec.type !== 'multi') {
      op = 'BinaryEquals';
    } else {
      op = rng.pick(OPS_BY_TYPE[spec.type]);
    }
    let prefix = '';
    if (op !== 'Null') {
      if (spec.type === 'multi') {
        // Always a set operator: AWS says multivalued keys require one and does not document what a plain
        // operator does with several request values, so there is no right answer to compare against.
        prefix = rng.pick(['ForAnyValue:', 'ForAllValues:']);
      } else if (rng.chance(0.08)) {
        prefix = rng.pick(['ForAnyValue:', 'ForAllValues:']);
        f.add('set-op-on-single-valued-key');
      }
    }
    const ifExists = op !== 'Null' && rng.chance(0.2);
    const fullOp = `${prefix}${op}${ifExists ? 'IfExists' : ''}`;
    f.add(`op:${op}`, `cond-key:${key.toLowerCase()}`);
    if (ifExists) f.add('op:IfExists');
    if (prefix) f.add(`set:${prefix.slice(0, -1)}`);

    let values: Json[];
    if (op === 'Null') {
      values = [rng.pick(['true', 'false'])];
    } else if (op === 'BinaryEquals') {
      values = [rng.pick(['cmVk', 'cHJvZA==', 'Ymx1ZQ=='])];
    } else if (spec.type === 'epoch' && op.startsWith('Date') && rng.chance(0.3)) {
      values = [rng.pick(['2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'])];
    } else {
      const pool = spec.policy(s);
      values = rng.sample(
        pool,
        rng.weighted([
          [70, 1],
          [25, 2],
          [5, 3],
        ] as const),
      );
    }
    const isDateOp = op.startsWith('Date');
    const otherForm = (v: Json): boolean =>
      typeof v === 'string' && (spec.type === 'date' ? /^\d+$/.test(v) : !/^\d+$/.test(v));
    if (isDateOp && values.some(otherForm)) {
      // aws:CurrentTime is ISO 8601 in the request, aws:EpochTime is epoch seconds: the policy uses the other form.
      f.add('date-epoch-vs-iso');
    }
    if (spec.type === 'bool' && rng.chance(0.2)) {
      values = values.map((v) => v === 'true');
      f.add('policy-value-native:bool');
    }
    if ((spec.type === 'numeric' || (spec.type === 'epoch' && op.startsWith('Numeric'))) && rng.chance(0.2)) {
      values = values.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v));
      f.add('policy-value-native:number');
    }
    for (const v of values) {
      if (typeof v === 'string' && v.includes('${')) {
        f.add('var-in:condition', `var:${v.slice(2, -1).split('}')[0]!.toLowerCase()}`);
      }
    }
    const operatorBlock = (block[fullOp] ??= {});
    operatorBlock[key] = values.length === 1 && rng.chance(0.6) ? values[0]! : values;
  }
  void kind;
  void effect;
  return block;
}

// -- actions and resources ---------------------------------------------------------------------

function oddCase(rng: Rng, text: string): string {
  return [...text].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
}

function actionPatternMatching(s: GenState): string {
  const { rng, f, action } = s;
  const full = `${action.service}:${action.name}`;
  const form = rng.weighted([
    [35, 'exact'],
    [15, 'svc*'],
    [12, 'prefix*'],
    [8, '?'],
    [8, 'odd'],
    [5, '*'],
    [5, '*suffix'],
  ] as const);
  switch (form) {
    case 'exact':
      return full;
    case 'svc*':
      f.add('action-pattern:wildcard');
      return `${action.service}:*`;
    case 'prefix*':
      f.add('action-pattern:wildcard');
      return `${action.service}:${action.name.slice(0, rng.int(1, 4))}*`;
    case '?': {
      f.add('action-pattern:wildcard');
      const i = rng.int(0, action.name.length - 1);
      return `${action.service}:${action.name.slice(0, i)}?${action.name.slice(i + 1)}`;
    }
    case 'odd':
      f.add('action-pattern:oddcase');
      return `${oddCase(rng, action.service)}:${oddCase(rng, action.name)}`;
    case '*':
      f.add('action-pattern:wildcard');
      return '*';
    case '*suffix':
      f.add('action-pattern:wildcard');
      return `${action.service}:*${action.name.slice(-3)}`;
  }
}

function actionPatternOther(s: GenState): string {
  const { rng, f } = s;
  const other = rng.pick([...OTHER_ACTIONS, ...ACTIONS.map((a) => `${a.service}:${a.name}`)]);
  if (rng.chance(0.2)) {
    f.add('action-pattern:wildcard');
    const [svc] = other.split(':');
    return `${svc}:*`;
  }
  return other;
}

function genActions(s: GenState, matchProbability: number, allowStar = true): Json {
  const { rng, f } = s;
  const n = rng.weighted([
    [75, 1],
    [20, 2],
    [5, 3],
  ] as const);
  const out: string[] = [];
  const matches = rng.chance(matchProbability);
  for (let i = 0; i < n; i++) {
    const pattern = matches && i === n - 1 ? actionPatternMatching(s) : actionPatternOther(s);
    out.push(pattern === '*' && !allowStar ? `${s.action.service}:*` : pattern);
  }
  if (out.length > 1) f.add('action-pattern:list');
  return out.length === 1 && rng.chance(0.7) ? out[0]! : out;
}

function resourcePatternMatching(s: GenState): string {
  const { rng, f, resource, action, principal } = s;
  const form = rng.weighted([
    [40, 'exact'],
    [20, 'wild'],
    [10, 'star'],
    [8, 'var'],
    [4, 'odd'],
  ] as const);
  if (form === 'exact') return resource;
  if (form === 'star') {
    f.add('resource-pattern:wildcard');
    return '*';
  }
  if (form === 'odd') {
    // ARN matching is case-sensitive: this usually does not match.
    f.add('resource-pattern:oddcase');
    return resource
      .replace(/:([a-z])([a-z-]*)$/i, (_m, a: string, b: string) => `:${a.toUpperCase()}${b}`)
      .replace(/\/([a-z])/, (_m, a: string) => `/${a.toUpperCase()}`);
  }
  if (form === 'var') {
    if (action.resource === 'object') {
      f.add('var:aws:username', 'var-in:resource');
      return `arn:aws:s3:::${resource.split(':::')[1]!.split('/')[0]}/home/\${aws:username}/*`;
    }
    if (action.resource === 'queue') {
      f.add('var:aws:principaltag/team', 'var-in:resource');
      return `arn:aws:sqs:${REGION}:${s.resourceAccount}:\${aws:PrincipalTag/team}-*`;
    }
    void principal;
  }
  f.add('resource-pattern:wildcard');
  const wilds: string[] = (() => {
    switch (action.resource) {
      case 'object': {
        const bucket = resource.split(':::')[1]!.split('/')[0]!;
        return [
          `arn:aws:s3:::${bucket}/*`,
          `arn:aws:s3:::${bucket}/home/*`,
          'arn:aws:s3:::ares-*',
          `arn:aws:s3:::${bucket}/public/*`,
        ];
      }
      case 'bucket':
        return ['arn:aws:s3:::ares-*', 'arn:aws:s3:::*', `${resource}*`];
      case 'queue':
        return [`arn:aws:sqs:*:${s.resourceAccount}:*`, `arn:aws:sqs:${REGION}:*:ord*`, 'arn:aws:sqs:*:*:*'];
      case 'table':
        return [
          `arn:aws:dynamodb:${REGION}:*:table/*`,
          `arn:aws:dynamodb:*:${s.resourceAccount}:table/Us*`,
          `arn:aws:dynamodb:us-west-2:*:table/*`,
        ];
      case 'function':
        return [
          `arn:aws:lambda:*:*:function:process?r`,
          `arn:aws:lambda:${REGION}:${s.resourceAccount}:function:*`,
          `arn:aws:lambda:*:*:function:*:*`,
        ];
      case 'topic':
        return [`arn:aws:sns:*:${s.resourceAccount}:*`, `arn:aws:sns:${REGION}:*:al*`];
      case 'secret':
        return [
          `arn:aws:secretsmanager:${REGION}:${s.resourceAccount}:secret:prod/*`,
          'arn:aws:secretsmanager:*:*:secret:*',
          `arn:aws:secretsmanager:*:*:secret:dev/api-??????`,
        ];
    }
  })();
  return rng.pick(wilds);
}

function resourcePatternOther(s: GenState): string {
  const { rng } = s;
  const otherAccount = s.resourceAccount === ACCOUNT_A ? ACCOUNT_B : ACCOUNT_A;
  return rng.pick([
    `arn:aws:s3:::ares-logs/*`,
    `arn:aws:s3:::other-bucket`,
    `arn:aws:sqs:${REGION}:${otherAccount}:orders`,
    `arn:aws:dynamodb:${REGION}:${s.resourceAccount}:table/Audit`,
    `arn:aws:lambda:${REGION}:${otherAccount}:function:*`,
    `arn:aws:sns:${REGION}:${s.resourceAccount}:billing`,
    `arn:aws:secretsmanager:${REGION}:${otherAccount}:secret:*`,
  ]);
}

function genResources(s: GenState, matchProbability: number): Json {
  const { rng } = s;
  const n = rng.weighted([
    [75, 1],
    [20, 2],
    [5, 3],
  ] as const);
  const matches = rng.chance(matchProbability);
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(matches && i === 0 ? resourcePatternMatching(s) : resourcePatternOther(s));
  return out.length === 1 && rng.chance(0.7) ? out[0]! : rng.sample(out, out.length);
}

// -- principals in resource policies -----------------------------------------------------------

type PrincipalForm =
  'star' | 'account-id' | 'root-arn' | 'user-arn' | 'role-arn' | 'session-arn' | 'service' | 'other-account';

function principalValue(s: GenState, form: PrincipalForm, matchBias: boolean): { value: Json; aws: boolean } {
  const { rng, principal } = s;
  // Which account the Principal names: usually the caller's (so it matches), sometimes the other one.
  const callerAccount = principal.account ?? s.resourceAccount;
  const account = matchBias ? callerAccount : rng.pick(ACCOUNTS);
  switch (form) {
    case 'star':
      return { value: '*', aws: false };
    case 'account-id':
      return { value: account, aws: true };
    case 'root-arn':
      return { value: `arn:aws:iam::${account}:root`, aws: true };
    case 'user-arn':
      return {
        value:
          matchBias && principal.kind === 'user'
            ? principal.arn
            : `arn:aws:iam::${account}:user/${rng.pick(['alice', 'dev/bob'])}`,
        aws: true,
      };
    case 'role-arn':
      return {
        value:
          matchBias && principal.roleArn
            ? principal.roleArn
            : `arn:aws:iam::${account}:role/${rng.pick(['AppRole', 'service/Worker'])}`,
        aws: true,
      };
    case 'session-arn':
      return {
        value:
          matchBias && principal.kind === 'session'
            ? principal.arn
            : `arn:aws:sts::${account}:assumed-role/${rng.pick(['AppRole/sess-1', 'Worker/i-0abc123', 'AppRole/other'])}`,
        aws: true,
      };
    case 'service':
      return {
        value: matchBias && principal.kind === 'service' ? principal.arn : rng.pick(SERVICE_PRINCIPALS),
        aws: false,
      };
    case 'other-account': {
      const other = callerAccount === ACCOUNT_A ? ACCOUNT_B : ACCOUNT_A;
      return { value: rng.chance(0.5) ? other : `arn:aws:iam::${other}:root`, aws: true };
    }
  }
}

/** The identities AWS may check a caller against, broadest first: its account, then its role, then the session or user. */
export function identityChain(principal: PrincipalInfo): string[] {
  if (principal.kind === 'service' || !principal.account) return [principal.arn];
  const chain = [`arn:aws:iam::${principal.account}:root`];
  if (principal.roleArn) chain.push(principal.roleArn);
  if (principal.kind !== 'role') chain.push(principal.arn);
  return chain;
}

/** Tags a NotPrincipal element by how much of the caller's identity chain it names (accounts by id or root ARN). */
function tagNotPrincipalChain(s: GenState, element: Json): void {
  if (
    s.principal.kind === 'service' ||
    typeof element !== 'object' ||
    element === null ||
    Array.isArray(element)
  )
    return;
  const aws = (element as Record<string, Json>).AWS;
  const listed = new Set(
    (Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]).map((v) =>
      typeof v === 'string' && /^\d{12}$/.test(v) ? `arn:aws:iam::${v}:root` : String(v),
    ),
  );
  const chain = identityChain(s.principal);
  const named = chain.filter((id) => listed.has(id)).length;
  if (named === chain.length) s.f.add('notprincipal-names-whole-chain');
  else if (named > 0) s.f.add('notprincipal-names-part-of-chain');
}

function genPrincipalElement(s: GenState, not: boolean): Json {
  const { rng, f, principal } = s;
  if (not && principal.kind !== 'service' && rng.chance(0.3)) {
    // The form the NotPrincipal documentation recommends: the account, the role and the session (or the user).
    f.add('rp-notprincipal:whole-chain');
    const element = { AWS: identityChain(principal) };
    tagNotPrincipalChain(s, element);
    return element;
  }
  const forms: PrincipalForm[] =
    principal.kind === 'service'
      ? ['service', 'service', 'service', 'star', 'account-id']
      : principal.kind === 'user'
        ? ['star', 'account-id', 'root-arn', 'user-arn', 'user-arn', 'role-arn', 'other-account']
        : [
            'star',
            'account-id',
            'root-arn',
            'role-arn',
            'role-arn',
            'session-arn',
            'session-arn',
            'user-arn',
            'other-account',
          ];
  const n = rng.weighted([
    [80, 1],
    [20, 2],
  ] as const);
  const chosen: PrincipalForm[] = [];
  for (let i = 0; i < n; i++) {
    let form = rng.pick(forms);
    if (not && form === 'star') form = 'account-id'; // NotPrincipal "*" is meaningless
    if (n > 1 && form === 'star') form = 'root-arn';
    chosen.push(form);
  }
  if (n > 1) f.add(not ? 'rp-notprincipal:list' : 'rp-principal:list');
  const aws: string[] = [];
  const service: string[] = [];
  let star = false;
  for (const form of chosen) {
    f.add(`${not ? 'rp-notprincipal' : 'rp-principal'}:${form}`);
    const { value, aws: isAws } = principalValue(s, form, rng.chance(0.85));
    if (value === '*') star = true;
    else if (isAws) aws.push(value as string);
    else service.push(value as string);
  }
  if (star) return rng.chance(0.7) ? '*' : { AWS: '*' };
  const element: Record<string, Json> = {};
  if (aws.length > 0) element.AWS = aws.length === 1 && rng.chance(0.6) ? aws[0]! : aws;
  if (service.length > 0) element.Service = service.length === 1 && rng.chance(0.6) ? service[0]! : service;
  if (not) tagNotPrincipalChain(s, element);
  return element;
}

// -- statements and policies -------------------------------------------------------------------

function genStatement(
  s: GenState,
  kind: PolicyKind,
  effect: 'Allow' | 'Deny',
  opts: { actionMatch: number; resourceMatch: number; conditionP: number },
): Statement {
  const { rng, f } = s;
  const st: Statement = {};
  if (rng.chance(0.3)) st.Sid = `S${rng.int(0, 999)}`;
  st.Effect = effect;
  if (kind === 'resource') {
    // NotPrincipal only with Deny: AWS documents that using it with Allow is not supported, so there is no right answer.
    const not = effect === 'Deny' && rng.chance(0.25);
    if (not) {
      st.NotPrincipal = genPrincipalElement(s, true);
      f.add(`rp-notprincipal-${effect.toLowerCase()}`);
    } else {
      st.Principal = genPrincipalElement(s, false);
    }
  }
  if (kind === 'rcp') st.Principal = '*';
  // NotAction: not in RCPs (AWS and iam-simulate reject it there).
  if (kind !== 'rcp' && rng.chance(0.12)) {
    f.add('notaction');
    // NotAction matches when the request's action is NOT listed: bias towards listing other actions.
    st.NotAction = genActions(s, 1 - opts.actionMatch);
  } else {
    st.Action = genActions(s, opts.actionMatch, kind !== 'rcp');
  }
  if (rng.chance(0.1)) {
    f.add('notresource');
    st.NotResource = genResources(s, 1 - opts.resourceMatch);
  } else {
    st.Resource = genResources(s, opts.resourceMatch);
  }
  if (rng.chance(opts.conditionP)) {
    st.Condition = genConditionBlock(s, kind, effect);
  }
  return st;
}

function finishPolicy(s: GenState, kind: PolicyKind, statements: Statement[]): Policy {
  const { rng, f } = s;
  const policy: Policy = {
    Statement: statements.length === 1 && rng.chance(0.3) ? statements[0]! : statements,
  };
  // RCPs must say 2012-10-17 (AWS Organizations rejects others).
  const r = kind === 'rcp' ? 0 : rng.float();
  if (r < 0.9) {
    policy.Version = '2012-10-17';
  } else if (r < 0.95) {
    f.add('version:2008-10-17');
    policy.Version = '2008-10-17';
  } else {
    f.add('version:none');
  }
  return policy;
}

function genPolicy(
  s: GenState,
  kind: PolicyKind,
  shape: { denyP: number; actionMatch: number; resourceMatch: number; conditionP: number; max?: number },
): Policy {
  const n = s.rng.weighted([
    [45, 1],
    [30, 2],
    [15, 3],
    [10, 4],
  ] as const);
  const statements: Statement[] = [];
  for (let i = 0; i < Math.min(n, shape.max ?? 4); i++) {
    const effect = s.rng.chance(shape.denyP) ? 'Deny' : 'Allow';
    statements.push(genStatement(s, kind, effect, shape));
  }
  return finishPolicy(s, kind, statements);
}

const FULL_ACCESS: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };

function genScpLevel(s: GenState): Policy[] {
  const { rng, f } = s;
  const policies: Policy[] = [];
  const r = rng.float();
  if (r < 0.82) {
    policies.push({ Version: '2012-10-17', Statement: [{ ...FULL_ACCESS }] });
  } else if (r < 0.95) {
    // An allow-list SCP: only some services.
    const services = rng.sample(['s3', 'sqs', 'dynamodb', 'lambda', 'sns', 'secretsmanager'], rng.int(2, 4));
    const st: Statement = { Effect: 'Allow', Action: services.map((svc) => `${svc}:*`), Resource: '*' };
    if (rng.chance(0.15)) {
      f.add('scp:allow-condition');
      st.Condition = genConditionBlock(s, 'scp', 'Allow');
    }
    policies.push({ Version: '2012-10-17', Statement: [st] });
  } else {
    policies.push(
      genPolicy(s, 'scp', { denyP: 0.2, actionMatch: 0.6, resourceMatch: 0.8, conditionP: 0.2, max: 2 }),
    );
  }
  if (rng.chance(0.3)) {
    policies.push(
      genPolicy(s, 'scp', { denyP: 1, actionMatch: 0.5, resourceMatch: 0.7, conditionP: 0.55, max: 2 }),
    );
  }
  return policies;
}

function genRcpLevel(s: GenState): Policy[] {
  return [genPolicy(s, 'rcp', { denyP: 1, actionMatch: 0.55, resourceMatch: 0.8, conditionP: 0.75, max: 2 })];
}

function named(prefix: string, docs: Policy[]): NamedPolicy[] {
  return docs.map((document, i) => ({ id: `${prefix}[${i}]`, document }));
}

// -- request context ---------------------------------------------------------------------------

function genContext(s: GenState, implicitKeys: Record<string, string>): Record<string, ContextValue> {
  const { rng, f } = s;
  const context: Record<string, ContextValue> = {};
  for (const key of requestKeys(s)) {
    const spec = keySpec(key);
    const values = spec.context(s);
    if (values.length === 0) continue;
    const implicit = key in implicitKeys;
    // The role's path is in aws:PrincipalArn but not in the session ARN: nobody can derive it, so it is always given.
    const underivable = key === 'aws:PrincipalArn' && /:role\/.+\//.test(implicitKeys[key] ?? '');
    // Keys every real request carries are present more often.
    const always = key === 'aws:CurrentTime' || key === 'aws:SecureTransport';
    if (!underivable && !rng.chance(implicit ? 0.6 : always ? 0.7 : 0.5)) {
      if (implicit) {
        // AWS sets it; ares must derive it from the principal and resource (the oracle is given it).
        f.add(`ctx-derived-only:${key.toLowerCase()}`);
      } else if (rng.chance(0.05)) {
        context[key] = null;
        f.add(`ctx-null:${key.toLowerCase()}`);
      }
      continue;
    }
    const name = rng.chance(0.1) ? oddCase(rng, key) : key;
    f.add(`ctx:${key.toLowerCase()}`);
    if (implicit) {
      context[name] = implicitKeys[key]!;
    } else if (spec.type === 'multi') {
      const picked = rng.sample(values, rng.int(0, 3));
      context[name] = picked;
      f.add(`ctx-multi:${key.toLowerCase()}`);
      if (picked.length === 0) f.add(`ctx-multi-empty:${key.toLowerCase()}`);
    } else if (spec.type === 'bool' && rng.chance(0.2)) {
      context[name] = rng.pick(values) === 'true';
      f.add(`ctx-native:${key.toLowerCase()}`);
    } else if ((spec.type === 'numeric' || spec.type === 'epoch') && rng.chance(0.2)) {
      context[name] = Number(rng.pick(values));
      f.add(`ctx-native:${key.toLowerCase()}`);
    } else {
      let value = rng.pick(values);
      if (key === 'aws:RequestTag/env' && rng.chance(0.1)) value = 'cHJvZA==';
      if (spec.type === 'ip' && value.includes(':')) f.add('ctx-ipv6');
      context[name] = value;
    }
  }
  return context;
}

// -- the case ----------------------------------------------------------------------------------

export function generateCase(seed: number, index: number): DiffCase {
  const rng = new Rng(caseSeed(seed, index));
  const f = new FeatureSet();

  const action = rng.pick(ACTIONS);
  const actionName = `${action.service}:${action.name}`;
  const principalKind = rng.weighted([
    [33, 'user'],
    [42, 'session'],
    [10, 'role'],
    [15, 'service'],
  ] as const);
  let principal: PrincipalInfo;
  const principalAccount = rng.pick(ACCOUNTS);
  if (principalKind === 'service') {
    principal = { kind: 'service', arn: rng.pick(SERVICE_PRINCIPALS) };
  } else {
    principal = rng.pick(PRINCIPAL_TEMPLATES.filter((t) => t.kind === principalKind)).make(principalAccount);
  }
  const sameAccount = principalKind === 'service' || rng.chance(0.6);
  const resourceAccountWanted = sameAccount
    ? principalAccount
    : principalAccount === ACCOUNT_A
      ? ACCOUNT_B
      : ACCOUNT_A;
  const { arn: resource, account: resourceAccount } = resourceArn(rng, action, resourceAccountWanted);

  const universe = ACCOUNTS.flatMap((a) => PRINCIPAL_TEMPLATES.map((t) => t.make(a)));
  const s: GenState = { rng, f, principal, action, actionName, resource, resourceAccount, universe };

  f.add(`principal:${principal.kind}`, `service:${action.service}`, `action:${actionName.toLowerCase()}`);
  if (principal.kind !== 'service')
    f.add(`account:${principal.account === resourceAccount ? 'same' : 'cross'}`);

  const policies: AwsPolicySetInput = {};
  const isService = principal.kind === 'service';

  // Identity-side layers: not for service principals (they have no identity policies, boundaries or SCPs).
  if (!isService) {
    const nIdentity = rng.weighted([
      [15, 0],
      [55, 1],
      [30, 2],
    ] as const);
    if (nIdentity === 0) f.add('identity:none');
    const identity: Policy[] = [];
    for (let i = 0; i < nIdentity; i++) {
      identity.push(
        genPolicy(s, 'identity', { denyP: 0.2, actionMatch: 0.8, resourceMatch: 0.8, conditionP: 0.4 }),
      );
    }
    if (identity.length > 0) {
      f.add('layer:identity');
      policies.identityPolicies = named('identityPolicies', identity);
    }
    if (rng.chance(0.22)) {
      f.add('layer:boundary');
      policies.permissionsBoundary = {
        id: 'permissionsBoundary',
        document: genPolicy(s, 'boundary', {
          denyP: 0.12,
          actionMatch: 0.8,
          resourceMatch: 0.8,
          conditionP: 0.25,
          max: 2,
        }),
      };
    }
    if ((principal.kind === 'session' || principal.kind === 'role') && rng.chance(0.22)) {
      f.add('layer:session');
      policies.sessionPolicy = {
        id: 'sessionPolicy',
        document: genPolicy(s, 'session', {
          denyP: 0.12,
          actionMatch: 0.8,
          resourceMatch: 0.8,
          conditionP: 0.25,
          max: 2,
        }),
      };
    }
    if (rng.chance(0.6)) {
      f.add('layer:scp');
      const levels = rng.int(1, 3);
      policies.scps = Array.from({ length: levels }, (_, lvl) => named(`scps[${lvl}]`, genScpLevel(s)));
    }
  }

  const wantsResourcePolicy = isService || rng.chance(0.55);
  if (wantsResourcePolicy) {
    f.add('layer:resource');
    const doc = genPolicy(s, 'resource', {
      denyP: 0.2,
      actionMatch: 0.75,
      resourceMatch: 0.8,
      conditionP: 0.35,
    });
    policies.resourcePolicy = { id: 'resourcePolicy', document: doc };
    if (policies.permissionsBoundary && hasNotPrincipalDeny(doc)) f.add('np-deny-with-boundary');
  }

  if (rng.chance(0.15)) {
    f.add('layer:rcp');
    if (!RCP_SUPPORTED_SERVICES.has(action.service)) f.add('rcp:unsupported-service');
    if (isService) f.add('rcp:service-principal');
    const levels = rng.int(1, 2);
    policies.rcps = Array.from({ length: levels }, (_, lvl) => named(`rcps[${lvl}]`, genRcpLevel(s)));
  }

  const awsContext = awsImplicitContext(s);
  const context = genContext(s, awsContext);
  const request: AwsRequest = { principal: principal.arn, action: actionName, resource };
  if (action.service === 's3' || rng.chance(0.5)) request.resourceAccount = resourceAccount;
  if (Object.keys(context).length > 0) request.context = context;

  return { index, seed, request, policies, awsContext, features: f.sorted() };
}

function hasNotPrincipalDeny(doc: Policy): boolean {
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((st) => st.Effect === 'Deny' && st.NotPrincipal !== undefined);
}

export function generateCases(seed: number, count: number): DiffCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(seed, i));
}

/** The account that owns the case's resource (what the oracle needs explicitly). */
export function resourceAccountOf(c: Pick<DiffCase, 'request'>): string {
  if (c.request.resourceAccount) return c.request.resourceAccount;
  const account = c.request.resource.split(':')[4];
  if (account && /^\d{12}$/.test(account)) return account;
  throw new Error(`cannot tell the resource account of ${c.request.resource}`);
}

/** A case as an `ares simulate` input file (request + raw policy documents), for repros. */
export function toSimulationFile(c: Pick<DiffCase, 'request' | 'policies'>): Record<string, unknown> {
  const p = c.policies;
  const file: Record<string, unknown> = { request: c.request };
  if (p.identityPolicies) file.identityPolicies = p.identityPolicies.map((x) => x.document);
  if (p.resourcePolicy) file.resourcePolicy = p.resourcePolicy.document;
  if (p.permissionsBoundary) file.permissionsBoundary = p.permissionsBoundary.document;
  if (p.sessionPolicy) file.sessionPolicy = p.sessionPolicy.document;
  if (p.scps) file.scps = p.scps.map((lvl) => lvl.map((x) => x.document));
  if (p.rcps) file.rcps = p.rcps.map((lvl) => lvl.map((x) => x.document));
  return file;
}
