/**
 * Errors of `ares serve`: each names the input and what is wrong with it, and never carries a secret (an API
 * token or a caller context) in its message.
 */

/** The server configuration (config file, environment, flags) cannot be used. */
export class ServeConfigError extends Error {
  override readonly name = 'ServeConfigError';
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** The profile (a snapshot JSON file or the profile store) cannot be read or holds no usable snapshot. */
export class ProfileLoadError extends Error {
  override readonly name = 'ProfileLoadError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
