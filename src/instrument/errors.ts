/** Errors of `ares instrument`: an input that cannot be instrumented, named with its file. */
export class InstrumentError extends Error {
  override readonly name = 'InstrumentError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}
