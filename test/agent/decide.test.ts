/** The decision rules and ARESBlocked's fields. */
import { describe, expect, it } from 'vitest';
import { ARESBlocked, decide, decideCall } from '../../src/agent/index.js';
import { exampleTable, LEDGER_WRITER, MALLORY, ORDER_CONSUMER, tableArn, U, V, X } from './support.js';

const table = exampleTable();
const x = table.functions[X]!;
const consumer = table.functions[ORDER_CONSUMER]!;
const writer = table.functions[LEDGER_WRITER]!;

describe('decide', () => {
  it('blocks an origin the table blocks at this function', () => {
    expect(decide(x, U, 'block-conduits')).toBe('origin-blocked');
    expect(decide(writer, MALLORY, 'allow')).toBe('origin-blocked');
  });

  it('allows an origin not blocked here (V at X; mallory at order-consumer, a conduit)', () => {
    expect(decide(x, V, 'block-conduits')).toBeUndefined();
    expect(decide(consumer, MALLORY, 'block')).toBeUndefined();
  });

  it('applies the unknown-requester policy: block-conduits blocks only at conduits', () => {
    expect(decide(x, undefined, 'block-conduits')).toBe('unknown-requester-at-conduit');
    expect(decide(writer, undefined, 'block-conduits')).toBeUndefined();
    expect(decide(writer, undefined, 'block')).toBe('unknown-requester');
    expect(decide(x, undefined, 'allow')).toBeUndefined();
    expect(decide(undefined, undefined, 'block-conduits')).toBeUndefined();
  });

  it('ignores an origin with an empty list, and prototype names', () => {
    expect(decide({ ...x, blocked: { [V]: [] } }, V, 'block')).toBeUndefined();
    expect(decide(x, 'constructor', 'block')).toBeUndefined();
    expect(decide(x, '__proto__', 'block')).toBeUndefined();
  });

  it('call mode: finds the blocked access of one (action, resource), case-insensitively', () => {
    expect(decideCall(x, U, 'dynamodb:putitem', tableArn('DB-1'))).toMatchObject({ findingId: 'ARES-x' });
    expect(decideCall(x, U, 'dynamodb:GetItem', tableArn('DB-1'))).toBeUndefined();
    expect(decideCall(x, U, 'dynamodb:PutItem', tableArn('other'))).toBeUndefined();
    expect(decideCall(x, V, 'dynamodb:PutItem', tableArn('DB-1'))).toBeUndefined();
    expect(decideCall(x, U, 'dynamodb:PutItem', undefined)).toMatchObject({ action: 'dynamodb:PutItem' });
  });
});

describe('ARESBlocked', () => {
  it('carries name, code, origin, function and reason, and serialises them', () => {
    const error = new ARESBlocked(U, X, 'origin-blocked');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ARESBlocked',
      code: 'ARES_BLOCKED',
      origin: U,
      function: X,
      reason: 'origin-blocked',
    });
    expect(error.message).toBe(`ares blocked ${U} at ${X}: origin-blocked`);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      errorType: 'ARESBlocked',
      code: 'ARES_BLOCKED',
      errorMessage: error.message,
      origin: U,
      function: X,
      reason: 'origin-blocked',
    });
  });

  it('says "an unknown requester" and carries detail and the refused access', () => {
    const error = new ARESBlocked(undefined, X, 'access-blocked', 'caller context expired', {
      action: 'dynamodb:PutItem',
      resource: tableArn('DB-1'),
    });
    expect(error.message).toContain('an unknown requester');
    expect(error.toJSON()).toMatchObject({
      origin: null,
      detail: 'caller context expired',
      access: { action: 'dynamodb:PutItem' },
    });
  });
});

describe('decide: block-unvouched, the default rule for no verifiable requester', () => {
  const table = exampleTable();
  const x = table.functions[X]!;
  const writer = table.functions[LEDGER_WRITER]!;

  it('refuses where an origin blocked here can arrive unvouched, allows where none can', () => {
    expect(decide(x, undefined, 'block-unvouched')).toBe('unvouched-requester');
    expect(decide(writer, undefined, 'block-unvouched')).toBeUndefined();
  });

  it('falls back to the conduit rule for a table compiled without unvouched', () => {
    const legacy = { ...x };
    delete legacy.unvouched;
    expect(decide(legacy, undefined, 'block-unvouched')).toBe('unknown-requester-at-conduit');
  });
});
