/** `ares keys`: generates the Ed25519 key pair that signs caller contexts (server) and verifies them (agents). */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '../../agent/callerContext.js';
import { InputError, UsageError } from '../errors.js';

export const PRIVATE_KEY_FILE = 'ares-signing.key';
export const PUBLIC_KEY_FILE = 'ares-signing.pub';
export const DEFAULT_KEY_DIR = '.ares';

export const keysHelp = `Usage: ares keys [options]

Generates the Ed25519 key pair for the signed caller context: ares serve signs with the private key,
the agents inside functions verify with the public key.

Writes DIR/${PRIVATE_KEY_FILE} (PKCS#8 PEM, mode 0600; keep it secret) and DIR/${PUBLIC_KEY_FILE} (SPKI PEM).

Options:
  --out DIR      directory to write the keys to (default ${DEFAULT_KEY_DIR}; created if missing)
  --force        replace an existing key pair
  -h, --help     show this help

Exit codes: 0 written, 2 usage error or a key already exists (without --force).`;

export function runKeys(args: string[], print: (text: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: DEFAULT_KEY_DIR },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(keysHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`keys takes no arguments, not "${positionals[0]}"`);
  if (values.out === '') throw new UsageError('--out needs a directory');
  const privatePath = join(values.out, PRIVATE_KEY_FILE);
  const publicPath = join(values.out, PUBLIC_KEY_FILE);
  if (!values.force) {
    for (const path of [privatePath, publicPath])
      if (existsSync(path))
        throw new InputError(path, 'already exists (use --force to replace the key pair)');
  }
  const { privateKeyPem, publicKeyPem } = generateKeyPair();
  try {
    mkdirSync(values.out, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new InputError(values.out, `cannot create the directory: ${messageOf(error)}`);
  }
  writeKey(privatePath, privateKeyPem, 0o600, values.force);
  writeKey(publicPath, publicKeyPem, 0o644, values.force);
  print(`private key: ${privatePath}`);
  print(`public key:  ${publicPath}`);
  return 0;
}

function writeKey(path: string, pem: string, mode: number, force: boolean): void {
  try {
    // `mode` applies only to a new file: tighten a replaced one before the new key is written into it.
    if (force && existsSync(path)) chmodSync(path, mode);
    writeFileSync(path, pem, { mode, flag: force ? 'w' : 'wx' });
  } catch (error) {
    throw new InputError(path, `cannot write: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
