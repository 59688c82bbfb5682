/**
 * A synthetic AWS estate of a given size, deterministic per seed: functions with their own roles, requesters
 * with invoke and send rights and Deny statements, tables/queues/topics/buckets/secrets, and event chains
 * (function → topic or queue → function) so that the closure has multi-hop paths and some cycles.
 */
import { emptyEstate, type Estate } from '../dist/model/index.js';
import { mulberry32 } from '../test/differential/generate.js';

export interface EstateSize {
  functions: number;
  requesters: number;
  resources: number;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

type Kind = 'table' | 'queue' | 'topic' | 'bucket' | 'secret';
const KINDS: Kind[] = ['table', 'queue', 'topic', 'bucket', 'secret'];
const ARN: Record<Kind, (n: string) => string> = {
  table: (n) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${n}`,
  queue: (n) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${n}`,
  topic: (n) => `arn:aws:sns:${REGION}:${ACCOUNT}:${n}`,
  bucket: (n) => `arn:aws:s3:::${n}`,
  secret: (n) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${n}`,
};
const SERVICE: Record<Kind, string> = {
  table: 'dynamodb',
  queue: 'sqs',
  topic: 'sns',
  bucket: 's3',
  secret: 'secretsmanager',
};
const WRITE: Record<Kind, string[]> = {
  table: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  queue: ['sqs:SendMessage'],
  topic: ['sns:Publish'],
  bucket: ['s3:GetObject', 's3:PutObject'],
  secret: ['secretsmanager:GetSecretValue'],
};

export function generateEstate(size: EstateSize, seed = 7): Estate {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const estate = emptyEstate();
  const resources: { kind: Kind; id: string; name: string; team: number }[] = [];
  const teams = Math.max(1, Math.floor(size.functions / 50));
  for (let i = 0; i < size.resources; i++) {
    const kind = KINDS[i % KINDS.length] as Kind;
    const team = i % teams;
    const name = `team${team}-${kind}-${i}`;
    const id = ARN[kind](name);
    resources.push({ kind, id, name, team });
    estate.resources.push({
      id,
      name,
      cloud: 'aws',
      service: SERVICE[kind],
      type: kind === 'secret' ? 'secret' : kind === 'table' ? 'table' : kind,
      account: ACCOUNT,
      region: REGION,
    });
  }
  const byKind = (kind: Kind) => resources.filter((r) => r.kind === kind);
  const queues = byKind('queue');
  const topics = byKind('topic');

  const functions: string[] = [];
  for (let i = 0; i < size.functions; i++) {
    const team = i % teams;
    const name = `team${team}-fn-${i}`;
    const role = `arn:aws:iam::${ACCOUNT}:role/${name}-role`;
    const id = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    functions.push(id);
    estate.principals.push({ id: role, name: `${name}-role`, cloud: 'aws', kind: 'role', account: ACCOUNT });
    estate.policies.push({
      id: `${role}#trust`,
      name: 'trust',
      type: 'trust',
      attachedTo: role,
      document: LAMBDA_TRUST,
    });
    const statements: object[] = [];
    for (let s = 0; s < 2; s++) {
      const target = pick(resources);
      statements.push({
        Effect: 'Allow',
        Action: WRITE[target.kind],
        Resource: target.kind === 'bucket' ? `${target.id}/*` : target.id,
      });
    }
    // One function in ten may read every table of its team: a wildcard the index must narrow by prefix.
    if (i % 10 === 0) {
      statements.push({
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/team${team}-*`,
      });
    }
    estate.policies.push({
      id: `${role}#inline/permissions`,
      name: 'permissions',
      type: 'identity',
      attachedTo: role,
      document: { Version: '2012-10-17', Statement: statements },
    });
    estate.functions.push({ id, name, cloud: 'aws', identity: role, account: ACCOUNT, region: REGION });
    // Half the functions consume a queue or topic, which makes chains with the functions that write to them.
    if (random() < 0.5) {
      const source = random() < 0.5 ? pick(queues) : pick(topics);
      estate.triggers.push({
        cloud: 'aws',
        kind: source.kind === 'queue' ? 'queue' : 'topic',
        source: source.id,
        target: id,
        firedBy: source.kind === 'queue' ? ['sqs:SendMessage'] : ['sns:Publish'],
      });
    }
  }

  for (let i = 0; i < size.requesters; i++) {
    const name = `user-${i}`;
    const user = `arn:aws:iam::${ACCOUNT}:user/${name}`;
    estate.principals.push({ id: user, name, cloud: 'aws', kind: 'user', account: ACCOUNT });
    const invokable = [pick(functions), pick(functions), pick(functions)];
    const statements: object[] = [
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: invokable },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: pick(queues).id },
      { Effect: 'Deny', Action: ['dynamodb:PutItem', 's3:PutObject'], Resource: '*' },
    ];
    estate.policies.push({
      id: `${user}#inline/access`,
      name: 'access',
      type: 'identity',
      attachedTo: user,
      document: { Version: '2012-10-17', Statement: statements },
    });
  }
  return estate;
}
