/** `ares keys`: generates the Ed25519 key pair that signs caller contexts (server) and verifies them (agents). */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair, signerKey } from '../../agent/callerContext.js';
import { InputError, UsageError } from '../errors.js';

export const PRIVATE_KEY_FILE = 'ares-signing.key';
export const PUBLIC_KEY_FILE = 'ares-signing.pub';
export const DEFAULT_KEY_DIR = '.ares';
/** `ares keys --functions`: function id → public key (SPKI DER, base64), read by `ares scan --save`. */
export const SIGNERS_FILE = 'function-keys.json';
/** The per-function private keys, one PEM file per function. */
export const FUNCTION_KEY_DIR = 'function-keys';

export const keysHelp = `Usage: ares keys [options]

Generates the Ed25519 key pair for the signed caller context: ares serve signs with the private key,
the agents inside functions verify with the public key.

Writes DIR/${PRIVATE_KEY_FILE} (PKCS#8 PEM, mode 0600; keep it secret) and DIR/${PUBLIC_KEY_FILE} (SPKI PEM).

Options:
  --out DIR      directory to write the keys to (default ${DEFAULT_KEY_DIR}; created if missing)
  --force        replace an existing key pair
  --functions ID,ID...
                 instead, one key pair per function (ids as in the profile): DIR/${FUNCTION_KEY_DIR}/<file>.key
                 (deliver each to its function: ARES_SIGNING_KEY_FILE or ares instrument --function-keys) and
                 DIR/${SIGNERS_FILE} (the public halves; ares scan --save puts them in the block table)
  -h, --help     show this help

Exit codes: 0 written, 2 usage error or a key already exists (without --force).`;

export function runKeys(args: string[], print: (text: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: DEFAULT_KEY_DIR },
      force: { type: 'boolean', default: false },
      functions: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(keysHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`keys takes no arguments, not "${positionals[0]}"`);
  if (values.out === '') throw new UsageError('--out needs a directory');
  if (values.functions !== undefined)
    return writeFunctionKeys(values.out, values.functions, values.force, print);
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

/** The file name a function's private key is kept under: readable, and unique by a digest of the id. */
export function functionKeyFile(functionId: string): string {
  const name = (functionId.split(':').pop() ?? 'fn').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return `${name}-${createHash('sha256').update(functionId).digest('hex').slice(0, 8)}.key`;
}

function writeFunctionKeys(dir: string, list: string, force: boolean, print: (text: string) => void): number {
  const ids = [...new Set(list.split(',').map((s) => s.trim()))].filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError('--functions needs function ids');
  const keyDir = join(dir, FUNCTION_KEY_DIR);
  try {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new InputError(keyDir, `cannot create the directory: ${messageOf(error)}`);
  }
  const signers = readSigners(dir) ?? {};
  for (const id of ids) {
    const path = join(keyDir, functionKeyFile(id));
    if (!force && existsSync(path)) throw new InputError(path, 'already exists (use --force to replace it)');
    const { privateKeyPem, publicKeyPem } = generateKeyPair();
    writeKey(path, privateKeyPem, 0o600, force);
    signers[id] = signerKey(publicKeyPem);
    print(`${id}: ${path}`);
  }
  const signersPath = join(dir, SIGNERS_FILE);
  writeKey(signersPath, `${JSON.stringify(signers, null, 2)}\n`, 0o644, true);
  print(`public keys: ${signersPath}`);
  return 0;
}

/** The public halves `ares keys --functions` wrote in `dir`, if any. */
export function readSigners(dir: string): Record<string, string> | undefined {
  const path = join(dir, SIGNERS_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(path, `not JSON: ${messageOf(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError(path, 'must map function ids to public keys');
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
