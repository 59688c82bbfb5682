/**
 * Keeps the current profile: polls its source every few seconds (and on demand, for SIGHUP) and swaps in a new
 * version by replacing one reference. A request reads the reference once, when it starts, and decides with that
 * profile to the end; a source that cannot be read keeps the last good profile and says why.
 */
import { indexProfile, type LoadedProfile } from './loadedProfile.js';
import type { ProfileSource } from './profileSource.js';

export type ReloadResult =
  | { changed: true; version: string; previous: string }
  | { changed: false; version: string }
  | { changed: false; version: string; error: string };

export interface ProfileHolder {
  /** The profile to decide with now. */
  current(): LoadedProfile;
  /** How many times a new version was swapped in. */
  swaps(): number;
  /** Checks the source once. Never throws: a failure keeps the current profile. */
  reload(): ReloadResult;
  /** Polls every `intervalMs` until `stop()`; the timer does not keep the process alive. */
  start(intervalMs: number): void;
  stop(): void;
}

export interface ProfileHolderOptions {
  log?: (line: string) => void;
  onSwap?: (profile: LoadedProfile) => void;
}

/** Reads the first snapshot (throwing ProfileLoadError when there is none) and holds it. */
export function createProfileHolder(
  source: ProfileSource,
  options: ProfileHolderOptions = {},
): ProfileHolder {
  const first = source.poll();
  if (first === undefined) throw new Error(`${source.name}: the first poll returned no snapshot`);
  let current = indexProfile(first);
  let timer: NodeJS.Timeout | undefined;
  let swaps = 0;

  const reload = (): ReloadResult => {
    try {
      const next = source.poll();
      if (next === undefined || next.version === current.version)
        return { changed: false, version: current.version };
      const previous = current.version;
      current = indexProfile(next);
      swaps += 1;
      options.log?.(`profile ${previous} -> ${current.version} (${source.name})`);
      options.onSwap?.(current);
      return { changed: true, version: current.version, previous };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log?.(`reload failed, keeping profile ${current.version}: ${message}`);
      return { changed: false, version: current.version, error: message };
    }
  };

  return {
    current: () => current,
    swaps: () => swaps,
    reload,
    start(intervalMs) {
      if (timer) clearInterval(timer);
      timer = setInterval(reload, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
