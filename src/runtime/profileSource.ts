/**
 * Where the server reads its profile: the profile store (`.ares/profile.db`, the latest saved snapshot) or a JSON
 * file holding one ProfileSnapshot. `poll()` returns a snapshot only when it differs from the one last returned,
 * so the reloader can ask often and cheaply.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ProfileSnapshot } from '../model/index.js';
import { openProfileStore } from './profileStore.js';
import { ProfileLoadError } from './serverErrors.js';

export interface ProfileSource {
  /** What the source is, for messages (a file name). */
  readonly name: string;
  /** A snapshot newer than the last one returned, or undefined when nothing changed. Throws ProfileLoadError. */
  poll(): ProfileSnapshot | undefined;
  close(): void;
}

/** The part of the profile store the server reads. */
export interface SnapshotReader {
  latest(): ProfileSnapshot | undefined;
  close(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape the server relies on; a snapshot from disk is input like any other. */
export function checkSnapshot(value: unknown, file: string): ProfileSnapshot {
  if (!isRecord(value)) throw new ProfileLoadError(file, 'a profile snapshot must be a JSON object');
  if (typeof value.version !== 'string' || value.version === '')
    throw new ProfileLoadError(file, 'the snapshot has no version');
  const table = value.blockTable;
  if (!isRecord(table)) throw new ProfileLoadError(file, 'the snapshot has no blockTable');
  for (const key of ['functions', 'functionIds', 'principalIds'] as const) {
    if (!isRecord(table[key])) throw new ProfileLoadError(file, `blockTable.${key} must be an object`);
  }
  for (const [id, fn] of Object.entries(table.functions as Record<string, unknown>)) {
    if (
      !isRecord(fn) ||
      typeof fn.name !== 'string' ||
      typeof fn.conduit !== 'boolean' ||
      !isRecord(fn.blocked)
    )
      throw new ProfileLoadError(file, `blockTable.functions["${id}"] is not a function's blocks`);
  }
  if (!Array.isArray(value.findings)) throw new ProfileLoadError(file, 'the snapshot has no findings array');
  return value as unknown as ProfileSnapshot;
}

/** A JSON file holding one ProfileSnapshot; changes are noticed by modification time and size. */
export function jsonProfileSource(file: string): ProfileSource {
  let seen: string | undefined;
  return {
    name: file,
    poll() {
      let stamp: string;
      try {
        const stat = statSync(file);
        stamp = `${stat.mtimeMs}:${stat.size}`;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ProfileLoadError(
          file,
          code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`,
        );
      }
      if (stamp === seen) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new ProfileLoadError(
          file,
          `malformed JSON (${error instanceof Error ? error.message : 'error'})`,
        );
      }
      const snapshot = checkSnapshot(parsed, file);
      seen = stamp;
      return snapshot;
    },
    close() {},
  };
}

/** The latest snapshot of a store; a new version is noticed by comparing versions. */
export function storeProfileSource(store: SnapshotReader, name: string): ProfileSource {
  let seen: string | undefined;
  return {
    name,
    poll() {
      const latest = store.latest();
      if (latest === undefined) {
        if (seen === undefined)
          throw new ProfileLoadError(name, 'holds no profile yet (run `ares scan --save`)');
        return undefined;
      }
      if (latest.version === seen) return undefined;
      const snapshot = checkSnapshot(latest, name);
      seen = snapshot.version;
      return snapshot;
    },
    close: () => store.close(),
  };
}

/** `*.json` is a snapshot file; anything else is a profile store, opened read-only. */
export function openProfileSource(file: string): ProfileSource {
  if (file.endsWith('.json')) return jsonProfileSource(file);
  return storeProfileSource(openProfileStore(file, { readonly: true }), file);
}
