/** Reading the latest profile snapshot from a store or a snapshot JSON file, with problems as InputError (exit 2). */
import type { ProfileSnapshot } from '../model/index.js';
import { openProfileSource } from '../runtime/profileSource.js';
import { ProfileLoadError } from '../runtime/serverErrors.js';
import { InputError } from './errors.js';

export function readProfileSnapshot(file: string): ProfileSnapshot {
  let source;
  try {
    source = openProfileSource(file);
  } catch (error) {
    if (error instanceof ProfileLoadError) throw new InputError(error.file, error.problem);
    throw error;
  }
  try {
    const snapshot = source.poll();
    if (snapshot === undefined) throw new InputError(file, 'holds no profile');
    return snapshot;
  } catch (error) {
    if (error instanceof ProfileLoadError) throw new InputError(error.file, error.problem);
    throw error;
  } finally {
    source.close();
  }
}
