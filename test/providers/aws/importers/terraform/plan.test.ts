import { describe, expect, it } from 'vitest';
import { terraformImporter as terraform } from '../../../../../src/providers/aws/importers/terraform/index.js';
import { decodePolicyDocument } from '../../../../../src/providers/aws/policy/index.js';
import { fixture, OPTIONS } from '../cli/fixtureInput.js';

const A = '111122223333';
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${A}:function:${name}`;
const iam = (kind: string, name: string) => `arn:aws:iam::${A}:${kind}/${name}`;
const input = fixture('terraform/app-plan.json');
const estate = terraform.import(input, OPTIONS);
const triggerOf = (target: string, kind: string) =>
  estate.triggers.filter((t) => t.target === target && t.kind === kind).map((t) => [t.source, t.firedBy]);
const policiesOn = (id: string) =>
  estate.policies.filter((p) => p.attachedTo === id).map((p) => [p.type, p.id]);
const notesAt = (address: string) =>
  estate.errors.filter((e) => e.location === address).map((e) => e.message);

describe('terraform plan: identities', () => {
  it('is recognised by format_version and planned_values', () => {
    expect(terraform.detect(input)).toBe(true);
  });

  it('builds principal ARNs from names and paths, in the root module and in child modules', () => {
    expect(estate.principals.map((p) => [p.kind, p.id, p.source?.path])).toEqual([
      ['role', iam('role', 'orders-exec'), 'aws_iam_role.orders_exec'],
      ['user', iam('user', 'alice'), 'aws_iam_user.alice'],
      ['user', iam('user', 'staff/bob'), 'aws_iam_user.bob'],
      ['group', iam('group', 'devs'), 'aws_iam_group.devs'],
      ['role', iam('role', 'fns-exec'), 'module.fns.aws_iam_role.fn_exec'],
    ]);
  });

  it('links a function to its role through the configuration when the ARN is unknown until apply', () => {
    const byName = new Map(estate.functions.map((f) => [f.name, f]));
    expect(byName.get('orders')).toMatchObject({
      id: fn('orders'),
      identity: iam('role', 'orders-exec'),
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      account: A,
      region: 'eu-west-1',
      source: { file: input.file, path: 'aws_lambda_function.orders' },
    });
    // module.fns: a reference inside the module, and one through `var.audit_role_arn` to the root module.
    expect(byName.get('thumbs')?.identity).toBe(iam('role', 'fns-exec'));
    expect(byName.get('audit')?.identity).toBe(iam('role', 'orders-exec'));
  });

  it('keeps a name unknown until apply symbolic, and says so', () => {
    expect(estate.resources.find((r) => r.name === '<aws_sqs_queue.jobs>')?.id).toBe(
      `arn:aws:sqs:eu-west-1:${A}:<aws_sqs_queue.jobs>`,
    );
    expect(notesAt('aws_sqs_queue.jobs')).toEqual([
      'name is unknown until apply; the id is kept symbolic as <aws_sqs_queue.jobs>',
    ]);
  });
});

describe('terraform plan: policies', () => {
  it("attaches a role's trust, inline and managed policies, resolving managed_policy_arns by reference", () => {
    expect(policiesOn(iam('role', 'orders-exec'))).toEqual([
      ['trust', `${iam('role', 'orders-exec')}#trust`],
      ['identity', `${iam('role', 'orders-exec')}#inline/orders-rw`],
      ['identity', iam('policy', 'deny-secrets')],
      ['identity', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    ]);
    const managed = estate.policies.find((p) => p.id === iam('policy', 'deny-secrets'));
    expect(managed?.name).toBe('deny-secrets');
    expect(decodePolicyDocument(managed?.document, 'doc')).toMatchObject({ Statement: [{ Effect: 'Deny' }] });
  });

  it('attaches user and group policies: inline, by attachment, by exclusive attachment, and boundaries', () => {
    expect(policiesOn(iam('user', 'alice'))).toEqual([
      ['identity', `${iam('user', 'alice')}#inline/alice-deny-orders`],
      ['identity', iam('policy', 'deny-secrets')],
    ]);
    expect(policiesOn(iam('user', 'staff/bob'))).toEqual([
      ['permissions-boundary', 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess'],
      ['identity', iam('policy', 'deny-secrets')],
    ]);
    expect(policiesOn(iam('group', 'devs'))).toEqual([
      ['identity', `${iam('group', 'devs')}#inline/devs-invoke`],
      ['identity', 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess'],
    ]);
  });

  it('reads group memberships from both membership resources', () => {
    expect(estate.memberships).toEqual([
      { user: iam('user', 'alice'), group: iam('group', 'devs') },
      { user: iam('user', 'staff/bob'), group: iam('group', 'devs') },
      { user: iam('user', 'staff/bob'), group: iam('group', 'auditors') },
    ]);
  });

  it('notes policies whose document is unknown until apply, naming what they wait for', () => {
    expect(notesAt('aws_iam_policy.queue_writer')).toEqual([
      'policy is unknown until apply (it refers to aws_sqs_queue.orders); policy not imported',
    ]);
    expect(estate.policies.some((p) => p.id.endsWith('policy/queue-writer'))).toBe(false);
  });

  it('reports a broken inline policy and imports the rest of the role', () => {
    expect(estate.errors).toContainEqual({
      file: input.file,
      message: expect.stringMatching(/^policy document is not valid JSON/),
      location: 'aws_iam_role_policy.broken.policy',
    });
    expect(estate.policies.some((p) => p.id.endsWith('#inline/broken'))).toBe(false);
  });

  it('turns each lambda permission into one statement of the function policy', () => {
    const s3 = estate.policies.find((p) => p.id === `${fn('thumbs')}#permission/AllowS3`);
    expect(s3).toMatchObject({ type: 'resource', attachedTo: fn('thumbs'), name: 'AllowS3' });
    expect(s3?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowS3',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: fn('thumbs'),
          Condition: {
            ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads-bkt' },
            StringEquals: { 'AWS:SourceAccount': A },
          },
        },
      ],
    });
    const alice = estate.policies.find((p) => p.id === `${fn('orders')}#permission/AliceInvoke`);
    expect(alice?.document).toMatchObject({
      Statement: [{ Principal: { AWS: iam('user', 'alice') }, Resource: `${fn('orders')}:live` }],
    });
  });

  it('keeps an unresolvable source_arn as a condition no request meets, rather than widening the grant', () => {
    const partner = estate.policies.find(
      (p) => p.id === `${fn('orders')}#permission/aws_lambda_permission.partner`,
    );
    expect(partner?.document).toMatchObject({
      Statement: [
        {
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Condition: {
            ArnLike: { 'AWS:SourceArn': '<unknown source_arn of aws_lambda_permission.partner>' },
          },
        },
      ],
    });
    expect(notesAt('aws_lambda_permission.partner')).toEqual([
      'source_arn is unknown until apply and refers to local.partner_rule_arn; not linked',
    ]);
  });

  it('attaches resource policies of queues (by URL), topics and buckets', () => {
    expect(
      estate.policies.filter((p) => p.type === 'resource' && !p.id.includes('#permission/')).map((p) => p.id),
    ).toEqual([
      `arn:aws:sqs:eu-west-1:${A}:legacy-queue#resource-policy`,
      `arn:aws:sns:eu-west-1:${A}:order-events#resource-policy`,
      'arn:aws:s3:::uploads-bkt#resource-policy',
    ]);
  });
});

describe('terraform plan: triggers', () => {
  const SQS = ['sqs:SendMessage'];
  it('links event source mappings to queues and table streams by reference', () => {
    expect(triggerOf(fn('orders'), 'queue')).toEqual([[`arn:aws:sqs:eu-west-1:${A}:orders-queue`, SQS]]);
    expect(triggerOf(fn('audit'), 'stream')).toEqual([
      [
        `arn:aws:dynamodb:eu-west-1:${A}:table/Orders`,
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      ],
    ]);
    expect(notesAt('aws_lambda_event_source_mapping.off')).toEqual([
      `mapping from arn:aws:sqs:eu-west-1:${A}:old-queue is disabled; no trigger`,
    ]);
  });

  it('pairs counted mappings with the queue and function of the same index', () => {
    expect(triggerOf(fn('shard-worker-0'), 'queue')).toEqual([[`arn:aws:sqs:eu-west-1:${A}:shard-0`, SQS]]);
    expect(triggerOf(fn('shard-worker-1'), 'queue')).toEqual([[`arn:aws:sqs:eu-west-1:${A}:shard-1`, SQS]]);
    expect(estate.triggers.find((t) => t.target === fn('shard-worker-1'))?.location?.path).toBe(
      'aws_lambda_event_source_mapping.shard[1]',
    );
  });

  it('reads SNS subscriptions and S3 notifications, following a module output to the function', () => {
    expect(triggerOf(fn('orders'), 'topic')).toEqual([
      [`arn:aws:sns:eu-west-1:${A}:order-events`, ['sns:Publish']],
    ]);
    expect(triggerOf(fn('thumbs'), 'object-store')).toEqual([['arn:aws:s3:::uploads-bkt', ['s3:PutObject']]]);
  });

  it('sources a pattern rule at its bus, a schedule at its rule, and a rule outside the input at the rule', () => {
    expect(triggerOf(fn('orders'), 'event-bus')).toEqual([
      [`arn:aws:events:eu-west-1:${A}:event-bus/orders-bus`, ['events:PutEvents']],
      [`arn:aws:events:eu-west-1:${A}:rule/made-by-hand`, ['events:PutEvents']],
    ]);
    expect(triggerOf(fn('audit'), 'schedule')).toEqual([[`arn:aws:events:eu-west-1:${A}:rule/nightly`, []]]);
    expect(estate.resources.find((r) => r.type === 'rule' && r.name === 'order-placed')?.id).toBe(
      `arn:aws:events:eu-west-1:${A}:rule/orders-bus/order-placed`,
    );
  });

  it('makes an AWS_IAM function URL a trigger sourced at the function, and a public one an entry of anonymous', () => {
    expect(triggerOf(fn('orders'), 'http')).toEqual([[fn('orders'), ['lambda:InvokeFunctionUrl']]]);
    // AuthType NONE: no IAM action fires it; it is public, so the requester `anonymous` starts the function.
    expect(triggerOf(fn('thumbs'), 'http')).toEqual([[fn('thumbs'), []]]);
    expect(estate.triggers.find((t) => t.target === fn('thumbs') && t.kind === 'http')?.public).toBe(true);
    expect(
      estate.triggers.find((t) => t.target === fn('orders') && t.kind === 'http')?.public,
    ).toBeUndefined();
  });

  it('links state machines to the functions their definition invokes, or, when it is unknown, refers to', () => {
    const machine = (name: string) => `arn:aws:states:eu-west-1:${A}:stateMachine:${name}`;
    const bySource = (source: string) =>
      estate.triggers.filter((t) => t.source === source).map((t) => t.target);
    expect(bySource(machine('refunds'))).toEqual([fn('orders'), fn('audit')]);
    expect(bySource(machine('checkout'))).toEqual([fn('orders'), fn('audit')]);
    expect(estate.triggers.find((t) => t.kind === 'state-machine')?.firedBy).toEqual([
      'states:StartExecution',
      'states:StartSyncExecution',
    ]);
    expect(notesAt('aws_sfn_state_machine.refunds')).toEqual([
      '1 lambda:invoke task(s) choose the function at run time; not linked',
    ]);
  });

  it('records asynchronous destinations on the function', () => {
    expect(estate.functions.find((f) => f.name === 'orders')?.destinations).toEqual([
      `arn:aws:events:eu-west-1:${A}:event-bus/orders-bus`,
      `arn:aws:sqs:eu-west-1:${A}:orders-queue`,
    ]);
  });

  it('names the resource types it does not import, once', () => {
    expect(estate.errors).toContainEqual({
      file: input.file,
      message: 'resource types not imported: aws_instance (1)',
      severity: 'info',
    });
  });
});
