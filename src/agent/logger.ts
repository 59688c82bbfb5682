/**
 * The agent's log: one JSON line per event on the console by default (Lambda, Cloud Run and Azure collect the
 * console). Fields never include a token, only why it was refused.
 */
export interface AgentLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: AgentLogger = {
  warn: (message, fields) =>
    console.warn(JSON.stringify({ level: 'warn', source: 'ares', message, ...fields })),
  error: (message, fields) =>
    console.error(JSON.stringify({ level: 'error', source: 'ares', message, ...fields })),
};
