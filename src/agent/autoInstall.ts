/**
 * Propagation with no change to user code: on import, the agent finds the AWS SDK v3 that the function itself
 * would load (resolved from its working directory, as Lambda runs it from its code directory) and patches the
 * `send` of the base `Client` class every service client extends, so each client gets the ares middleware on its
 * first call. A bundled copy of the SDK is not found this way: `instrument(client)` covers it.
 * `ARES_AUTO_INSTRUMENT=0` turns this off.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { autoInstrument } from './propagation.js';

/** Where the SDK's base client class has lived: @smithy/core now, @smithy/smithy-client before. */
const BASE_CLIENT_MODULES = ['@smithy/core/client', '@smithy/smithy-client'];

/** Patches the base client class of the SDK installed beside `directory`; returns whether one was found. */
export function installSdkPropagation(directory: string = process.cwd()): boolean {
  const require = createRequire(join(directory, 'ares-agent-resolution.js'));
  for (const name of BASE_CLIENT_MODULES) {
    try {
      const mod = require(name) as { Client?: { prototype: object } };
      if (mod.Client && typeof (mod.Client.prototype as { send?: unknown }).send === 'function') {
        autoInstrument([mod.Client]);
        return true;
      }
    } catch {
      // Not installed here: nothing to patch.
    }
  }
  return false;
}
