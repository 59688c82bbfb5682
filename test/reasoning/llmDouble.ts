/**
 * A test double for an LLM: a local HTTP server speaking the OpenAI chat-completions wire format
 * (POST /v1/chat/completions), answering each request with the next scripted turn and recording what it was sent.
 * No model runs; the script stands in for the model's choices.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Turn = { toolCall: { name: string; arguments: string } } | { content: string };

export interface LlmDouble {
  baseURL: string;
  /** The request bodies received, in order. */
  requests: any[];
  close(): Promise<void>;
}

export async function startLlmDouble(script: Turn[]): Promise<LlmDouble> {
  const requests: any[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(body));
      const turn = script[n] ?? { content: 'I have nothing more to say.' };
      n += 1;
      const message =
        'toolCall' in turn
          ? {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: `call_${n}`, type: 'function', function: turn.toolCall }],
            }
          : { role: 'assistant', content: turn.content };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${n}`,
          object: 'chat.completion',
          created: 0,
          model: 'double',
          choices: [
            { index: 0, message, finish_reason: 'toolCall' in turn ? 'tool_calls' : 'stop', logprobs: null },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
