/**
 * A notice: something the user should know about the scan that is neither a finding nor an unreadable input, such
 * as an input format ares does not read, references it could not resolve, or an estate with nobody to invoke it.
 */
export type NoticeCode =
  'no-requesters' | 'unsupported-input' | 'unresolved-reference' | (string & Record<never, never>);

export interface Notice {
  /** A stable, kebab-case code scripts can match on (`no-requesters`, `unsupported-input`, `unresolved-reference`). */
  code: NoticeCode;
  /** One sentence for a person: what was seen, and what to do about it. */
  message: string;
  /** The input file it concerns, when there is one. */
  file?: string;
}
