/** `ares explain` through the command line, in-process. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/runCli.js';
import { exampleSnapshot, writeSnapshot, X } from './engineFixture.js';

const { file } = writeSnapshot(exampleSnapshot());

describe('ares explain', () => {
  it('prints the reasoning trace of U at X and the verified verdict', async () => {
    const { code, stdout, stderr } = await runCli('explain', 'U', 'X', '--profile', file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('ares explain: U at X');
    expect(stdout).toContain('1. list_user_invoke principal=U');
    expect(stdout).toContain('got: U may start X');
    expect(stdout).toContain('4. find_bypass_paths principal=U function=X');
    expect(stdout).toContain('got: 1 bypass path(s): U → X → DB-1');
    expect(stdout).toContain('Verdict: BLOCK at X');
    expect(stdout).toContain('path: U → X (invoke) → DB-1 (dynamodb:PutItem)');
    expect(stdout).toContain('Verification: agrees with the exact profile (BLOCK at X)');
  });

  it('prints the engine result as JSON', async () => {
    const { code, stdout } = await runCli('explain', 'V', 'X', '--profile', file, '--format', 'json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.verdict.decision).toBe('allow');
    expect(result.verification.agrees).toBe(true);
    expect(result.functionId).toBe(X);
  });

  it('refuses --planner llm without an endpoint, and a missing argument (exit 2)', async () => {
    expect((await runCli('explain', 'U', 'X', '--profile', file, '--planner', 'llm')).code).toBe(2);
    const missing = await runCli('explain', 'U');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('explain needs <principal> <function>');
  });
});
