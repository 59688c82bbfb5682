/** Hand-built estates for profile tests: the Fig. 1 case and a multi-hop event chain. */
import { emptyEstate, type Estate, type PolicyAttachment } from '../../src/model/index.js';

export const ACCOUNT = '123456789012';
const arn = {
  user: (n: string) => `arn:aws:iam::${ACCOUNT}:user/${n}`,
  role: (n: string) => `arn:aws:iam::${ACCOUNT}:role/${n}`,
  fn: (n: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${n}`,
  table: (n: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}`,
  queue: (n: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${n}`,
  topic: (n: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${n}`,
};
export { arn };

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export function identity(owner: string, name: string, statements: object[]): PolicyAttachment {
  return {
    id: `${owner}#inline/${name}`,
    name,
    type: 'identity',
    attachedTo: owner,
    document: { Version: '2012-10-17', Statement: statements },
  };
}

export function withUser(estate: Estate, name: string, statements: object[]): string {
  const id = arn.user(name);
  estate.principals.push({ id, name, cloud: 'aws', kind: 'user', account: ACCOUNT });
  estate.policies.push(identity(id, `${name}-policy`, statements));
  return id;
}

export function withFunction(estate: Estate, name: string, statements: object[]): string {
  const role = arn.role(`${name}-role`);
  estate.principals.push({ id: role, name: `${name}-role`, cloud: 'aws', kind: 'role', account: ACCOUNT });
  estate.policies.push({
    id: `${role}#trust`,
    name: 'trust',
    type: 'trust',
    attachedTo: role,
    document: LAMBDA_TRUST,
  });
  estate.policies.push(identity(role, `${name}-permissions`, statements));
  const id = arn.fn(name);
  estate.functions.push({ id, name, cloud: 'aws', identity: role, account: ACCOUNT, region: 'us-east-1' });
  return id;
}

export function withResource(
  estate: Estate,
  id: string,
  name: string,
  service: string,
  type: string,
): string {
  estate.resources.push({ id, name, cloud: 'aws', service, type, account: ACCOUNT, region: 'us-east-1' });
  return id;
}

/** Fig. 1: U is denied dynamodb:PutItem on DB-1 but may invoke X, whose role may write DB-1; V may invoke X and write DB-1. */
export function figureOneEstate(): Estate {
  const estate = emptyEstate();
  const table = withResource(estate, arn.table('DB-1'), 'DB-1', 'dynamodb', 'table');
  const x = withFunction(estate, 'X', [
    { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: table },
  ]);
  withUser(estate, 'U', [
    { Sid: 'InvokeX', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: x },
    { Sid: 'NoDb1Writes', Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: table },
  ]);
  withUser(estate, 'V', [
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: x },
    { Effect: 'Allow', Action: 'dynamodb:*', Resource: table },
  ]);
  return estate;
}

/** user → queue → consumer → topic → publisher-fed writer → table; the user is denied writes to the table. */
export function chainEstate(): Estate {
  const estate = emptyEstate();
  const queue = withResource(estate, arn.queue('orders'), 'orders', 'sqs', 'queue');
  const topic = withResource(estate, arn.topic('order-events'), 'order-events', 'sns', 'topic');
  const table = withResource(estate, arn.table('ledger'), 'ledger', 'dynamodb', 'table');
  const consumer = withFunction(estate, 'order-consumer', [
    { Effect: 'Allow', Action: 'sns:Publish', Resource: topic },
  ]);
  const writer = withFunction(estate, 'ledger-writer', [
    { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: table },
  ]);
  estate.triggers.push({
    cloud: 'aws',
    kind: 'queue',
    source: queue,
    target: consumer,
    firedBy: ['sqs:SendMessage'],
  });
  estate.triggers.push({
    cloud: 'aws',
    kind: 'topic',
    source: topic,
    target: writer,
    firedBy: ['sns:Publish'],
  });
  withUser(estate, 'mallory', [
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue },
    { Sid: 'NoLedger', Effect: 'Deny', Action: 'dynamodb:*', Resource: table },
  ]);
  return estate;
}
