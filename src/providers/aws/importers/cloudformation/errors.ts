/** Errors of the CloudFormation/SAM importer: each names the file and the place in it that is wrong. */

/** The file is not a template ares can read at all (YAML or JSON syntax); the caller records it. */
export class TemplateParseError extends Error {
  override readonly name = 'TemplateParseError';
  constructor(
    readonly file: string,
    readonly problem: string,
    /** 1-based line of the first syntax error, when the parser knows it. */
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${problem}` : problem);
  }
}

/**
 * One property or resource that cannot be read. Thrown inside a resource handler and recorded as an
 * EstateError at `path`; the rest of the template is still imported.
 */
export class UnreadableProperty extends Error {
  override readonly name = 'UnreadableProperty';
  constructor(
    readonly path: readonly (string | number)[],
    readonly problem: string,
  ) {
    super(problem);
  }
}
