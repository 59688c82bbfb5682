import { describe, expect, it } from 'vitest';
import { VariableResolver } from '../../../../../src/providers/aws/importers/serverless/index.js';

const resolver = (self: Record<string, unknown>, params: Record<string, string> = {}) =>
  new VariableResolver({ self, params, account: '123456789012', defaultRegion: 'us-east-1' });

describe('Serverless Framework variables', () => {
  const self = {
    service: 'shop',
    provider: { stage: "${opt:stage, 'dev'}", region: 'eu-west-1' },
    custom: {
      table: 'orders-${sls:stage}',
      tables: { dev: 'dev-table', prod: 'prod-table' },
      list: ['a', 'b'],
      port: 8080,
    },
  };

  it('resolves self, opt with fallbacks, sls:stage, aws:accountId and aws:region', () => {
    const r = resolver(self);
    expect(r.resolve('${self:custom.table}')).toBe('orders-dev');
    expect(r.resolve('${self:service}-${sls:stage}-${aws:region}-${aws:accountId}')).toBe(
      'shop-dev-eu-west-1-123456789012',
    );
    expect(r.resolve('${opt:missing, self:custom.table}')).toBe('orders-dev');
    expect(r.resolve('${opt:missing, "quoted, with comma"}')).toBe('quoted, with comma');
  });

  it('resolves nested variables inside out and keeps whole values (lists, numbers) whole', () => {
    const r = resolver(self, { stage: 'prod' });
    expect(r.resolve('${self:custom.tables.${sls:stage}}')).toBe('prod-table');
    expect(r.resolve('${self:custom.list}')).toEqual(['a', 'b']);
    expect(r.resolve('${self:custom.port}')).toBe(8080);
    expect(r.resolve('port-${self:custom.port}')).toBe('port-8080');
  });

  it('keeps what needs the outside world symbolic, and leaves CloudFormation references alone', () => {
    const r = resolver(self);
    expect(r.resolve('${ssm:/shop/${sls:stage}/key}')).toBe('${ssm:/shop/dev/key}');
    expect(r.resolve('${env:HOME}')).toBe('${env:HOME}');
    expect(r.resolve("${env:HOME, 'fallback'}")).toBe('fallback');
    expect(r.resolve('${file(./config.yml):value}')).toBe('${file(./config.yml):value}');
    expect(r.resolve('arn:${AWS::Partition}:sqs:${AWS::Region}:${Queue.Arn}')).toBe(
      'arn:${AWS::Partition}:sqs:${AWS::Region}:${Queue.Arn}',
    );
    expect(r.resolve('${self:nowhere.to.be.found}')).toBe('${self:nowhere.to.be.found}');
  });

  it('stops on self-reference instead of looping', () => {
    const r = resolver({ a: '${self:b}', b: '${self:a}' });
    expect(r.resolve('${self:a}')).toMatch(/\$\{self:/);
  });

  it('treats replacement text literally', () => {
    const r = resolver({ dollars: "$& and $'" });
    expect(r.resolve('x ${self:dollars} y')).toBe("x $& and $' y");
  });

  it('takes param: from --param, then params.<stage>, then params.default', () => {
    const config = {
      params: { prod: { domain: 'shop.example' }, default: { domain: 'dev.example', tier: 'free' } },
    };
    expect(resolver(config).resolve('${param:domain}')).toBe('dev.example');
    expect(resolver(config, { stage: 'prod' }).resolve('${param:domain}-${param:tier}')).toBe(
      'shop.example-free',
    );
    expect(resolver(config, { domain: 'cli.example' }).resolve('${param:domain}')).toBe('cli.example');
  });

  it('gives up on values that double at every step, and on chains of references too long to follow', () => {
    const fan: Record<string, string> = { f40: 'x' };
    for (let i = 0; i < 40; i++) fan[`f${i}`] = `\${self:f${i + 1}}\${self:f${i + 1}}`;
    const r = resolver(fan);
    const doc = r.resolve(fan) as Record<string, string>;
    expect(doc.f0!.length).toBeLessThan(1000);
    expect(r.unresolved(doc)[0]?.reason).toMatch(/grows longer than/);
    const chain: Record<string, string> = { k500: 'end' };
    for (let i = 0; i < 500; i++) chain[`k${i}`] = `\${self:k${i + 1}}`;
    const c = resolver(chain);
    expect(c.unresolved(c.resolve('${self:k0}'))[0]?.reason).toBe('variables nest too deeply');
  });
});
