/**
 * The `ares` command dispatcher: thin commands over the modules. Every failure the user can cause ends with exit 2
 * and one line naming the input and the problem; an unexpected failure says so without a stack trace.
 */
import { drillHelp, runDrillCommand } from './commands/drill.js';
import { explainHelp, runExplain } from './commands/explain.js';
import { instrumentHelp, runInstrument } from './commands/instrument.js';
import { keysHelp, runKeys } from './commands/keys.js';
import { mcpHelp, runMcp } from './commands/mcp.js';
import { runScan, scanHelp } from './commands/scan.js';
import { runServe, serveHelp } from './commands/serve.js';
import { runSimulate, simulateHelp } from './commands/simulate.js';
import { ARES_VERSION } from './version.js';
import { InputError, UsageError } from './errors.js';
import { ProfileStoreError } from '../runtime/errors.js';

const HELP = `ares: find and block privilege-bypass paths in serverless applications.

Usage: ares <command> [options]

Commands:
  scan <paths...>           find every privilege-bypass path in an estate
  simulate <request.json>   decide one AWS request against its policies
  keys                      generate the key pair that signs caller contexts
  serve                     run the decision service, block-table API and invocation proxy
  mcp                       serve the profile as MCP tools over stdio (for LLM agents)
  explain <principal> <fn>  show how the reasoning engine decides an invocation
  instrument <dir|template> wrap function handlers with the ares agent
  drill <paths...>          prove blocking: replay every finding through the real agents

Run 'ares <command> --help' for a command's options.`;

/** `print` writes a line to standard output (the command's result), `printErr` a line to standard error (notes). */
type Command = (
  args: string[],
  print: (text: string) => void,
  printErr: (text: string) => void,
) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  scan: { run: runScan, help: scanHelp },
  simulate: { run: runSimulate, help: simulateHelp },
  keys: { run: runKeys, help: keysHelp },
  serve: { run: runServe, help: serveHelp },
  mcp: { run: runMcp, help: mcpHelp },
  instrument: { run: runInstrument, help: instrumentHelp },
  explain: { run: runExplain, help: explainHelp },
  drill: { run: runDrillCommand, help: drillHelp },
};

/** Where the command line writes; tests pass their own. */
export interface ConsoleIO {
  out(text: string): void;
  err(text: string): void;
}

const processIO: ConsoleIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function main(argv: string[], io: ConsoleIO = processIO): Promise<number> {
  const print = (text: string): void => io.out(`${text}\n`);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    print(HELP);
    return 0;
  }
  if (name === '--version') {
    print(`ares ${ARES_VERSION}`);
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (try 'ares --help')`);
    return await command.run(rest, print, (text) => io.err(`${text}\n`));
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError || error instanceof ProfileStoreError) {
      io.err(`${command ? `ares ${name}` : 'ares'}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`ares ${name}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`ares ${name}: internal error: ${message}\n`);
    return 70;
  }
}
