/** Errors of the run-time side (`ares serve`, the profile repository): typed, each naming the file or input at fault. */

/** The profile store cannot be opened, read or written; the message names the file and the problem. */
export class ProfileStoreError extends Error {
  override readonly name = 'ProfileStoreError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
