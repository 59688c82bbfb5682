/**
 * The LLM planner against a test double for an LLM (a local HTTP server speaking the OpenAI chat-completions wire
 * format with scripted turns; see llmDouble.ts). No model runs: the scripts stand in for its choices.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, type ConnectedEngine } from '../../src/reasoning/engine/index.js';
import { llmPlanner, parseToolArguments } from '../../src/reasoning/planners/index.js';
import { exampleSnapshot, X } from './engineFixture.js';
import { startLlmDouble, type LlmDouble, type Turn } from './llmDouble.js';

const FULL_RUN: Turn[] = [
  { toolCall: { name: 'list_user_invoke', arguments: '{"principal":"U"}' } },
  { toolCall: { name: 'list_service_reach', arguments: '{"function":"X","transitive":true}' } },
  { toolCall: { name: 'list_user_deny', arguments: '{"principal":"U"}' } },
  { toolCall: { name: 'find_bypass_paths', arguments: '{"principal":"U","function":"X"}' } },
  {
    content: '{"decision":"block","blockPoint":"X","reason":"U is denied PutItem on DB-1, which X performs"}',
  },
];

describe('LLM planner (OpenAI-compatible endpoint; a test double stands in for the model)', () => {
  let connected: ConnectedEngine;
  let llm: LlmDouble | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    connected = await connectEngine(exampleSnapshot(), { log: (line) => logged.push(line) });
  });
  afterEach(async () => {
    await llm?.close();
    llm = undefined;
  });
  afterAll(async () => {
    await connected.close();
  });

  const planner = (baseURL: string) =>
    llmPlanner({ baseURL, model: 'llama-3.1-8b-instruct', apiKey: 'sk-test-never-logged' });

  it('runs a correct tool-calling conversation to a verified block', async () => {
    llm = await startLlmDouble(FULL_RUN);
    const result = await connected.engine.decide(
      { function: 'X', principal: 'U' },
      { planner: planner(llm.baseURL) },
    );
    expect(result.planner).toBe('llm:llama-3.1-8b-instruct');
    expect(result.trace.map((s) => s.kind)).toEqual(['call', 'call', 'call', 'call', 'conclusion']);
    expect(result.verdict).toMatchObject({ decision: 'block', blockPoint: X });
    expect(result.verification).toMatchObject({
      agrees: true,
      planner: { decision: 'block', blockPoint: 'X' },
    });

    // The tools offered are generated from MCP listTools(), without $schema; one call per turn.
    const first = llm.requests[0];
    expect(first.parallel_tool_calls).toBe(false);
    expect(first.tools.map((t: any) => t.function.name).sort()).toEqual([
      'explain_decision',
      'find_bypass_paths',
      'list_findings',
      'list_service_reach',
      'list_user_deny',
      'list_user_invoke',
      'simulate',
    ]);
    expect(
      first.tools.every((t: any) => t.type === 'function' && !('$schema' in t.function.parameters)),
    ).toBe(true);
    // Each tool result goes back as a tool message for its call id, with the structured answer.
    const second = llm.requests[1];
    const toolMessage = second.messages.at(-1);
    expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(JSON.parse(toolMessage.content).invokes[0].function.name).toBe('X');
    expect(logged.join('\n')).not.toContain('sk-test-never-logged');
  });

  it('overrides a wrong verdict with the exact answer, counting and logging the disagreement', async () => {
    llm = await startLlmDouble([
      FULL_RUN[0]!,
      { content: '{"decision":"allow","reason":"U may invoke X, so this is fine"}' },
    ]);
    const before = connected.engine.stats().disagreements;
    logged.length = 0;
    const result = await connected.engine.decide(
      { function: 'X', principal: 'U' },
      { planner: planner(llm.baseURL) },
    );
    expect(result.verification).toMatchObject({
      agrees: false,
      planner: { decision: 'allow' },
      exact: { decision: 'block', blockPoint: X },
    });
    expect(result.verdict).toMatchObject({ decision: 'block', blockPoint: X });
    expect(result.verdict.reason).not.toContain('so this is fine');
    expect(connected.engine.stats().disagreements).toBe(before + 1);
    const line = logged.find((l) => l.startsWith('disagreement'));
    expect(line).toContain('said allow');
    expect(line).toContain('the exact answer wins');
    expect(line).toContain('"tool":"list_user_invoke"');
  });

  it('records malformed arguments and an unknown tool in the trace, tells the model, and lets it retry', async () => {
    llm = await startLlmDouble([
      { toolCall: { name: 'list_user_invoke', arguments: '{"principal": "U"' } },
      { toolCall: { name: 'delete_table', arguments: '{"table":"DB-1"}' } },
      // Stringified twice, as some servers send it: accepted.
      {
        toolCall: {
          name: 'find_bypass_paths',
          arguments: JSON.stringify('{"principal":"U","function":"X"}'),
        },
      },
      {
        content:
          'Sure! ```json\n{"decision":"block","blockPoint":"arn:aws:lambda:us-east-1:123456789012:function:X","reason":"witness U → X → DB-1"}\n```',
      },
    ]);
    const result = await connected.engine.decide(
      { function: 'X', principal: 'U' },
      { planner: planner(llm.baseURL) },
    );
    expect(result.trace.map((s) => s.kind)).toEqual(['error', 'error', 'call', 'conclusion']);
    expect(result.trace[0]).toMatchObject({
      kind: 'error',
      tool: 'list_user_invoke',
      args: '{"principal": "U"',
    });
    expect((result.trace[0] as { problem: string }).problem).toContain('must be a JSON object');
    expect(result.trace[1]).toMatchObject({ kind: 'error', tool: 'delete_table' });
    expect((result.trace[1] as { problem: string }).problem).toContain('unknown tool "delete_table"');
    expect(result.trace[2]).toMatchObject({
      kind: 'call',
      tool: 'find_bypass_paths',
      args: { principal: 'U', function: 'X' },
    });
    // The model was told about each problem, as the result of the call it made.
    const told = llm.requests[1].messages.at(-1);
    expect(told).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(told.content).toContain('error');
    expect(llm.requests[2].messages.at(-1).content).toContain('unknown tool');
    expect(result.verification.agrees).toBe(true);
    expect(result.verdict).toMatchObject({ decision: 'block', blockPoint: X });
  });

  it('falls back to the exact answer when the model never gives a usable answer', async () => {
    llm = await startLlmDouble([]);
    const result = await connected.engine.decide(
      { function: 'X', principal: 'V' },
      { planner: planner(llm.baseURL) },
    );
    expect(result.trace.every((s) => s.kind === 'error')).toBe(true);
    expect(result.verification.fallback).toBe('steps');
    expect(result.verdict.decision).toBe('allow');
  });

  it('parses tool arguments leniently', () => {
    expect(parseToolArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolArguments(JSON.stringify('{"a":1}'))).toEqual({ a: 1 });
    expect(parseToolArguments('')).toEqual({});
    expect(parseToolArguments('{oops')).toBe('{oops');
  });
});
