/**
 * Open-world decisions (`conditional`) are checked for soundness against closed-world completions of the same request:
 * a definite answer must hold whatever the missing keys turn out to be, and a conditional one must list every answer
 * that some completion gives. Two completions are tried per case: the keys' generated values, and the keys absent.
 */
import { describe, expect, it } from 'vitest';
import { authorize, compilePolicySet, type AwsRequest } from '../../../src/providers/aws/index.js';
import { generateCase } from '../../differential/generate.js';

const CASES = 3000;

function withoutSomeKeys(request: AwsRequest, index: number): AwsRequest {
  const context = { ...(request.context ?? {}) };
  Object.keys(context).forEach((key, i) => {
    if ((i + index) % 2 === 0) delete context[key];
  });
  return { ...request, context };
}

describe('open-world decisions', () => {
  it(`are sound against closed-world completions on ${CASES} generated cases`, () => {
    let conditional = 0;
    for (let i = 0; i < CASES; i++) {
      const c = generateCase(4242, i);
      const policies = compilePolicySet(c.policies, { validateActions: false });
      const partial = withoutSomeKeys(c.request, i);
      const open = authorize(partial, policies);
      const completions = [
        authorize(c.request, policies, { missingContext: 'absent' }).decision,
        authorize(partial, policies, { missingContext: 'absent' }).decision,
      ];
      if (open.decision === 'conditional') {
        conditional++;
        expect(open.missingContextKeys.length, `case ${i}`).toBeGreaterThan(0);
        for (const decision of completions) expect(open.possibleDecisions, `case ${i}`).toContain(decision);
      } else {
        for (const decision of completions) expect(decision, `case ${i}`).toBe(open.decision);
      }
    }
    // The generator must exercise the conditional path for the check to mean anything.
    expect(conditional).toBeGreaterThan(CASES / 20);
  });
});
