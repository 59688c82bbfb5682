import { describe, expect, it } from 'vitest';
import { lookupGeneratedName } from '../../src/profile/index.js';

describe('generated names at run time', () => {
  const fnA = 'arn:aws:lambda:us-east-1:123456789012:function:shop-Writer-*';
  const fnB = 'arn:aws:lambda:us-east-1:123456789012:function:shop-Writer2-*';
  const table = { [fnA]: fnA, 'shop-Writer-*': fnA, [fnB]: fnB, plain: 'arn:plain' };

  it('finds the profile id of a deployed name that CloudFormation generated', () => {
    expect(lookupGeneratedName(table, 'shop-Writer-1A2B3C4D5E6F')).toBe(fnA);
    expect(lookupGeneratedName(table, `${fnA.slice(0, -1)}1A2B3C4D5E6F`)).toBe(fnA);
    expect(lookupGeneratedName(table, `${fnB.slice(0, -1)}XYZ`)).toBe(fnB);
    // Writer2's name is no Writer name: the generated part starts after the dash.
    expect(lookupGeneratedName(table, 'shop-Writer2-XYZ')).toBeUndefined();
  });

  it('matches no slash or colon in the generated part, and nothing ambiguous', () => {
    expect(lookupGeneratedName(table, 'shop-Writer-a/b')).toBeUndefined();
    expect(lookupGeneratedName(table, 'shop-Writer-')).toBeUndefined();
    expect(lookupGeneratedName({ 'a-*': 'x', 'a-b*': 'y' }, 'a-bc')).toBeUndefined();
    expect(lookupGeneratedName(table, 'plain')).toBeUndefined();
  });
});
