/** CLI errors: each ends the command with exit code 2 and one line naming the input and the problem. */

/** The command line itself is wrong (unknown flag, missing argument). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input file cannot be used; the message names the file and the place in it. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
