/**
 * Checks on the case generator itself (they need the oracle, not ares): determinism, validity for
 * iam-simulate (no errors, no ignored context keys), a balanced answer distribution and feature coverage.
 */
import { describe, expect, it } from 'vitest';
import { generateCase, generateCases, mulberry32 } from './generate.js';
import { runOracle } from './oracle.js';

describe('differential case generator', () => {
  it('is deterministic: a case is a pure function of (seed, index)', () => {
    expect(generateCase(7, 123)).toEqual(generateCase(7, 123));
    expect(generateCases(7, 50)).toEqual(generateCases(7, 50));
    expect(generateCase(7, 1)).not.toEqual(generateCase(8, 1));
    const a = mulberry32(1);
    const b = mulberry32(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it(
    'produces valid, balanced cases that cover every operator family and policy layer',
    { timeout: 60_000 },
    async () => {
      const n = 2000;
      const counts: Record<string, number> = {};
      const errors: string[] = [];
      let ignored = 0;
      const features = new Set<string>();
      for (const c of generateCases(42, n)) {
        const o = await runOracle(c);
        counts[o.decision] = (counts[o.decision] ?? 0) + 1;
        if (o.decision === 'error') errors.push(`#${c.index}: ${o.error}`);
        if (o.ignoredContextKeys.length > 0) ignored++;
        for (const f of c.features) features.add(f);
      }
      console.log(`generator: ${n} cases, oracle answers ${JSON.stringify(counts)}`);
      expect(errors).toEqual([]);
      expect(ignored).toBe(0);
      for (const d of ['allow', 'implicit-deny', 'explicit-deny'])
        expect(counts[d] ?? 0, d).toBeGreaterThanOrEqual(0.15 * n);
      const required = [
        'op:StringEquals',
        'op:StringNotEquals',
        'op:StringEqualsIgnoreCase',
        'op:StringLike',
        'op:StringNotLike',
        'op:NumericLessThan',
        'op:NumericEquals',
        'op:DateGreaterThan',
        'op:DateLessThan',
        'op:Bool',
        'op:BinaryEquals',
        'op:IpAddress',
        'op:NotIpAddress',
        'op:ArnLike',
        'op:ArnEquals',
        'op:ArnNotLike',
        'op:Null',
        'op:IfExists',
        'set:ForAnyValue',
        'set:ForAllValues',
        'layer:identity',
        'layer:resource',
        'layer:boundary',
        'layer:session',
        'layer:scp',
        'layer:rcp',
        'principal:user',
        'principal:role',
        'principal:session',
        'principal:service',
        'account:same',
        'account:cross',
        'rp-principal:star',
        'rp-principal:account-id',
        'rp-principal:root-arn',
        'rp-principal:user-arn',
        'rp-principal:role-arn',
        'rp-principal:session-arn',
        'rp-principal:service',
        'rp-notprincipal-deny',
        'var:aws:username',
        'var:aws:principaltag/team',
        'notaction',
        'notresource',
        'action-pattern:wildcard',
        'action-pattern:oddcase',
        'resource-pattern:wildcard',
        'ctx-multi:aws:tagkeys',
      ];
      expect(required.filter((f) => !features.has(f))).toEqual([]);
    },
  );
});
