/**
 * The LLM planner: any OpenAI-compatible chat-completions endpoint with tool calling (vLLM, Ollama, llama.cpp's
 * server, a hosted API). The tools it offers the model are generated from the MCP server's `listTools()`; one call
 * per turn (`parallel_tool_calls: false`); arguments may arrive stringified twice or malformed, so they are parsed
 * leniently and the engine validates them; the final answer is the model's JSON `{decision, blockPoint?, reason}`.
 * The API key comes from ARES_LLM_API_KEY and is never logged.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { ToolDescriptor } from '../engine/types.js';
import type { Observation, Planner, PlannerMove, PlannerSession, PlannerTask } from './planner.js';

export interface LlmPlannerOptions {
  /** The endpoint's base URL, e.g. `http://localhost:8000/v1` (vLLM) or `http://localhost:11434/v1` (Ollama). */
  baseURL: string;
  model: string;
  /** Default: env ARES_LLM_API_KEY (a local server needs none). */
  apiKey?: string;
  temperature?: number;
  /** Per request; the engine's own time bound still applies. Default 60 s. */
  requestTimeoutMs?: number;
}

export const SYSTEM_PROMPT = `You are the ares reasoning engine. You decide whether one serverless invocation is a privilege bypass, using only the tools, which answer exactly from the estate's Application Reachability Profile.
A bypass: the requester may start the function (directly or through an event source), the function (or a function it starts) may perform an access (resource, action), and the requester is denied that access. Block at the function that performs the denied access; if that is a later hop, the invocation is allowed here.
Suggested order: list_user_invoke for the requester; list_service_reach for the function with transitive true; list_user_deny for the requester; intersect; find_bypass_paths with the requester and function to get the witness path. Call one tool per turn.
When you are done, answer with JSON only, no tool call: {"decision":"block"|"allow","blockPoint":"<function name, only for block>","reason":"<one sentence>"}`;

const finalAnswer = z.object({
  decision: z.enum(['allow', 'block']),
  blockPoint: z.string().min(1).optional(),
  reason: z.string().default(''),
  findingIds: z.array(z.string()).optional(),
});

/** MCP tools as OpenAI function tools; the JSON Schema draft marker (`$schema`) is dropped for LLM backends. */
export function openAiTools(tools: ToolDescriptor[]): ChatCompletionTool[] {
  return tools.map((t) => {
    const { $schema: _drop, ...parameters } = t.inputSchema;
    void _drop;
    return {
      type: 'function',
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters },
    };
  });
}

/** Tool arguments as the model sent them: JSON text, JSON text of JSON text, or (left as text) something else. */
export function parseToolArguments(raw: unknown): unknown {
  let value = raw;
  for (let i = 0; i < 2 && typeof value === 'string'; i += 1) {
    const text = value.trim();
    if (text === '') return {};
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return raw;
    }
  }
  return value;
}

/** The first JSON object in a reply, with code fences and Llama's `<|python_tag|>` removed. */
export function extractJsonObject(content: string): unknown {
  const text = content.replace(/<\|python_tag\|>/g, '').replace(/```(?:json)?/g, '');
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}

function observationText(observation: Extract<Observation, { kind: 'result' }>): string {
  const { result } = observation;
  if (result.isError) return `error: ${result.text}`;
  return result.structured === undefined ? result.text : JSON.stringify(result.structured);
}

function session(client: OpenAI, options: LlmPlannerOptions, task: PlannerTask): PlannerSession {
  const tools = openAiTools(task.tools);
  const names = new Set(task.tools.map((t) => t.name));
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: `Invocation: ${JSON.stringify(task.invocation)}` },
  ];
  /** The id of the tool call awaiting its result; null for a call the model wrote as text. */
  let pending: string | null | undefined;
  let pendingName = '';

  const answerObservation = (observation: Observation | undefined): void => {
    if (observation === undefined) return;
    const content =
      observation.kind === 'result'
        ? observationText(observation)
        : `error: ${observation.problem}. Fix the call (or answer with the final JSON).`;
    if (pending !== undefined && pending !== null)
      messages.push({ role: 'tool', tool_call_id: pending, content });
    else if (pending === null)
      messages.push({ role: 'user', content: `Result of ${pendingName}: ${content}` });
    else messages.push({ role: 'user', content: `Your answer could not be used: ${content}` });
    pending = undefined;
  };

  const next = async (observation: Observation | undefined): Promise<PlannerMove> => {
    answerObservation(observation);
    const completion = await client.chat.completions.create(
      {
        model: options.model,
        messages,
        tools,
        tool_choice: 'auto',
        parallel_tool_calls: false,
        temperature: options.temperature ?? 0,
      },
      { signal: task.signal },
    );
    const message = completion.choices[0]?.message;
    if (!message) return { kind: 'invalid', problem: 'the model returned no message' };
    const call = message.tool_calls?.find((c) => c.type === 'function');
    if (call && call.type === 'function') {
      // One call per turn: only this call enters the conversation, so every call there gets its result.
      messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: [call] });
      pending = call.id;
      pendingName = call.function.name;
      return {
        kind: 'call',
        tool: call.function.name,
        args: parseToolArguments(call.function.arguments),
        ...(message.content ? { thought: message.content } : {}),
      };
    }
    const content = message.content ?? '';
    messages.push({ role: 'assistant', content });
    const parsed = extractJsonObject(content);
    // Llama 3.x sometimes writes the call as text: {"name": ..., "parameters": {...}}.
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { name?: unknown }).name === 'string' &&
      names.has((parsed as { name: string }).name)
    ) {
      const textCall = parsed as { name: string; parameters?: unknown; arguments?: unknown };
      pending = null;
      pendingName = textCall.name;
      return {
        kind: 'call',
        tool: textCall.name,
        args: parseToolArguments(textCall.parameters ?? textCall.arguments ?? {}),
      };
    }
    const answer = finalAnswer.safeParse(parsed);
    if (!answer.success)
      return {
        kind: 'invalid',
        problem: 'the final answer is not the JSON {"decision":"block"|"allow","blockPoint"?,"reason"}',
        raw: content.slice(0, 500),
      };
    const { decision, blockPoint, reason, findingIds } = answer.data;
    return {
      kind: 'conclude',
      verdict: {
        decision,
        ...(blockPoint === undefined ? {} : { blockPoint }),
        reason,
        ...(findingIds === undefined ? {} : { findingIds }),
      },
    };
  };
  return { next };
}

export function llmPlanner(options: LlmPlannerOptions, env: NodeJS.ProcessEnv = process.env): Planner {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? env.ARES_LLM_API_KEY ?? 'not-needed',
    timeout: options.requestTimeoutMs ?? 60_000,
    maxRetries: 0,
  });
  return { name: `llm:${options.model}`, start: (task) => session(client, options, task) };
}
