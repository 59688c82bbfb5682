/** Where a fact came from, so findings and errors can point a person at the input. */
export interface SourceLocation {
  /** Path of the input file, as given by the user. */
  file: string;
  /** 1-based line, when the parser knows it. */
  line?: number;
  /** 1-based column, when the parser knows it. */
  column?: number;
  /** A JSON-path-like pointer inside the document, e.g. `Resources.Fn.Properties.Policies[0]`. */
  path?: string;
}
