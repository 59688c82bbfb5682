import { describe, expect, it } from 'vitest';
import type { Estate } from '../../../../../src/model/index.js';
import {
  DEFAULT_IMPORT_OPTIONS,
  type ImportOptions,
} from '../../../../../src/providers/aws/importers/importer.js';
import { serverlessImporter } from '../../../../../src/providers/aws/importers/serverless/index.js';
import { ACCOUNT, fixtureInput, policy, statements, triggersTo } from '../cloudformation/fixture.js';

function importSls(name: string, options: Partial<ImportOptions> = {}): Estate {
  return serverlessImporter.import(fixtureInput(`serverless/${name}/serverless.yml`), {
    ...DEFAULT_IMPORT_OPTIONS,
    ...options,
  });
}

const fn = (region: string, name: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;

describe('serverless.yml with provider.iamRoleStatements (old style)', () => {
  const estate = importSls('old-iam');
  const role = `arn:aws:iam::${ACCOUNT}:role/shop-dev-eu-west-1-lambdaRole`;
  const api = fn('eu-west-1', 'shop-dev-api');
  const worker = fn('eu-west-1', 'shop-worker-off');

  it('names functions <service>-<stage>-<key> (or `name`) in the provider region, running as the default role', () => {
    expect(estate.functions.map((f) => [f.id, f.identity, f.runtime])).toEqual([
      [api, role, 'nodejs18.x'],
      [worker, role, 'nodejs18.x'],
    ]);
    expect(estate.functions[0]!.source).toMatchObject({ path: 'functions.api', line: 27 });
  });

  it('the default role trusts Lambda and holds the provider statements, resolved, plus poller grants', () => {
    expect(policy(estate, `${role}#trust`).type).toBe('trust');
    const inline = statements(policy(estate, `${role}#inline/dev-shop-lambda`));
    expect(inline[0]).toEqual({
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:GetItem'],
      Resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders-dev`,
    });
    // The ssm statement's only resource names `${ssm:/shop/secret}`, unresolved: the statement is left out.
    expect(inline[1]!.Resource).toBe(`arn:aws:sqs:eu-west-1:${ACCOUNT}:shop-work-dev`);
    expect(inline.slice(2).map((s) => s.Action)).toEqual([
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams'],
    ]);
    expect(policy(estate, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', role).type).toBe('identity');
  });

  it('http events with aws_iam are api-iam triggers on `<service>-<stage>`; others reachable without IAM', () => {
    expect(triggersTo(estate, api).map((t) => [t.source, t.firedBy])).toEqual([
      [`arn:aws:execute-api:eu-west-1:${ACCOUNT}:shop-dev/*/GET/orders/*`, ['execute-api:Invoke']],
      [`arn:aws:execute-api:eu-west-1:${ACCOUNT}:shop-dev/*/POST/orders`, []],
    ]);
  });

  it('sqs, sns, s3, stream and schedule events trigger the worker; intrinsics resolve against resources', () => {
    expect(triggersTo(estate, worker).map((t) => `${t.kind} ${t.source} [${t.firedBy.join(',')}]`)).toEqual([
      `queue arn:aws:sqs:eu-west-1:${ACCOUNT}:shop-work-dev [sqs:SendMessage]`,
      `topic arn:aws:sns:eu-west-1:${ACCOUNT}:order-events [sns:Publish]`,
      'object-store arn:aws:s3:::shop-uploads-dev [s3:DeleteObject]',
      `stream arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders-dev [dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem,dynamodb:BatchWriteItem]`,
      `schedule arn:aws:events:eu-west-1:${ACCOUNT}:rule/shop-worker-off-schedule-4 []`,
    ]);
  });

  it('imports resources.Resources with the CloudFormation importer, Framework logical ids included', () => {
    expect(estate.resources.map((r) => r.name).sort()).toEqual([
      'order-events',
      'orders-dev',
      'shop-dev',
      'shop-uploads-dev',
      'shop-work-dev',
    ]);
    expect(policy(estate, `arn:aws:sns:eu-west-1:${ACCOUNT}:order-events#policy/TopicPolicy`).type).toBe(
      'resource',
    );
    expect(policy(estate, `${worker}#permission/WorkerUrlPermission`).attachedTo).toBe(worker);
  });

  it('reports events it does not model, and the unresolved ssm variable once', () => {
    expect(estate.notices).toEqual([
      expect.objectContaining({
        code: 'unresolved-reference',
        message: expect.stringMatching(
          /^\$\{ssm:\/shop\/secret\} \(first at custom\.secretPath\).*--param ssm:\/shop\/secret=VALUE/,
        ),
      }),
      expect.objectContaining({
        code: 'unresolved-reference',
        message: expect.stringContaining('${self:custom.secretPath}'),
      }),
    ]);
    expect(estate.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('is left out: it names ${self:custom.secretPath}'),
        severity: 'info',
      }),
      expect.objectContaining({
        message: 'event type cloudwatchLog is not modelled as a trigger',
        location: 'functions.worker.events[5].cloudwatchLog (line 50)',
      }),
    ]);
  });

  it('takes the stage from --param stage', () => {
    const prod = importSls('old-iam', { params: { stage: 'prod' } });
    expect(prod.functions[0]!.id).toBe(fn('eu-west-1', 'shop-prod-api'));
    expect(prod.principals[0]!.id).toBe(`arn:aws:iam::${ACCOUNT}:role/shop-prod-eu-west-1-lambdaRole`);
  });
});

describe('serverless.yml with provider.iam.role (new style)', () => {
  const estate = importSls('new-iam');
  const role = `arn:aws:iam::${ACCOUNT}:role/apps/billing-exec`;
  const report = fn('us-west-2', 'billing-dev-report');
  const notify = fn('us-west-2', 'billing-dev-notify');

  it('uses the role name, path, statements, managed policies and boundary it declares', () => {
    expect(estate.principals.map((p) => p.id)).toEqual([role]);
    expect(statements(policy(estate, `${role}#inline/dev-billing-lambda`))).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:us-west-2:${ACCOUNT}:event-bus/billing`,
      },
    ]);
    expect(
      policy(estate, 'arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy', role).type,
    ).toBe('identity');
    expect(policy(estate, 'arn:aws:iam::aws:policy/PowerUserAccess', role).type).toBe('permissions-boundary');
  });

  it('a function-level role ARN overrides the default role', () => {
    expect(estate.functions.find((f) => f.id === notify)!.identity).toBe(
      `arn:aws:iam::${ACCOUNT}:role/existing-notifier`,
    );
  });

  it('httpApi with aws_iam, eventBridge (custom and aws.-only patterns), alb and function URLs', () => {
    expect(triggersTo(estate, report).map((t) => `${t.kind} ${t.source} [${t.firedBy.join(',')}]`)).toEqual([
      `http arn:aws:execute-api:us-west-2:${ACCOUNT}:billing-dev/*/GET/reports/* [execute-api:Invoke]`,
      `http arn:aws:execute-api:us-west-2:${ACCOUNT}:billing-dev/*/POST/reports []`,
      `event-bus arn:aws:events:us-west-2:${ACCOUNT}:event-bus/billing [events:PutEvents]`,
      `event-bus arn:aws:events:us-west-2:${ACCOUNT}:event-bus/default []`,
      `http arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:listener/app/lb/abc/def []`,
      `http ${report} [lambda:InvokeFunctionUrl]`,
    ]);
    expect(triggersTo(estate, notify).map((t) => `${t.kind} ${t.source} [${t.firedBy.join(',')}]`)).toEqual([
      `stream arn:aws:kinesis:us-west-2:${ACCOUNT}:stream/clicks [kinesis:PutRecord,kinesis:PutRecords]`,
      `http ${notify} []`,
    ]);
  });

  it('destinations name another function by key, or an ARN', () => {
    expect(estate.functions.find((f) => f.id === report)!.destinations).toEqual([
      notify,
      `arn:aws:sqs:us-west-2:${ACCOUNT}:billing-dlq`,
    ]);
  });

  it('reports unmodelled events', () => {
    expect(estate.errors).toEqual([
      expect.objectContaining({ message: 'event type iot is not modelled as a trigger', severity: 'info' }),
    ]);
  });
});

describe('serverless.yml with existing roles and plugins', () => {
  it('provider.role naming a resources.Resources logical id means that role; function role ARNs stay', () => {
    const estate = importSls('existing-role');
    expect(estate.functions.map((f) => [f.name, f.identity])).toEqual([
      ['legacy-prod-one', `arn:aws:iam::${ACCOUNT}:role/legacy-custom`],
      ['legacy-prod-two', `arn:aws:iam::${ACCOUNT}:role/two-role`],
    ]);
    expect(estate.principals.map((p) => p.id)).toEqual([`arn:aws:iam::${ACCOUNT}:role/legacy-custom`]);
    expect(policy(estate, `arn:aws:iam::${ACCOUNT}:role/legacy-custom#inline/custom`).type).toBe('identity');
  });

  it('provider.iam.role given as an intrinsic is an existing role, not role settings', () => {
    const estate = importSls('intrinsic-role');
    expect(estate.functions.map((f) => f.identity)).toEqual([`arn:aws:iam::${ACCOUNT}:role/fn/LambdaRole`]);
    expect(estate.principals.map((p) => p.id)).toEqual([`arn:aws:iam::${ACCOUNT}:role/fn/LambdaRole`]);
  });

  it('per-function iamRoleStatements get their own role; serverless-step-functions definitions trigger functions', () => {
    const estate = importSls('per-function');
    const reader = fn('us-east-1', 'pf-dev-reader');
    const readerRole = `arn:aws:iam::${ACCOUNT}:role/pf-dev-reader-us-east-1-lambdaRole`;
    expect(estate.functions.map((f) => f.identity)).toEqual([
      readerRole,
      `arn:aws:iam::${ACCOUNT}:role/pf-dev-us-east-1-lambdaRole`,
    ]);
    expect(
      statements(policy(estate, `${readerRole}#inline/dev-pf-reader-lambda`)).map((s) => s.Action),
    ).toEqual([
      'dynamodb:GetItem',
      's3:ListBucket',
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    ]);
    expect(triggersTo(estate, reader).map((t) => [t.kind, t.source])).toEqual([
      ['queue', `arn:aws:sqs:us-east-1:${ACCOUNT}:reads`],
      ['state-machine', `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:PfFlow`],
    ]);
  });
});
