/** Errors of the Terraform importer: a file it cannot read at all. Problems inside a readable file go to `errors`. */

export class TerraformFormatError extends Error {
  override readonly name = 'TerraformFormatError';
  constructor(
    readonly file: string,
    /** Where in the document, e.g. `format_version`. */
    readonly location: string,
    readonly problem: string,
  ) {
    super(`${file}: ${location}: ${problem}`);
  }
}
