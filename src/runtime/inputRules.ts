/**
 * Length limits and character rules for every request field that reaches a decision, the audit log or the server
 * log. A field that breaks them is refused with 400 naming the field, so nothing unbounded or able to forge a log
 * line (newlines, other controls, bidi overrides) is ever written. `escapeLogLine` is the last guard on every log
 * line, for text that comes from elsewhere (error messages, library output).
 */

/** Longest function reference: a qualified ARN is under 200 characters; room for other clouds' resource ids. */
export const MAX_FUNCTION_LENGTH = 512;
/** IAM ARNs may be 2,048 characters. */
export const MAX_PRINCIPAL_LENGTH = 2048;
/** A signed caller context plus breadcrumbs; Lambda's ClientContext holds at most 3,583 characters. */
export const MAX_TOKEN_LENGTH = 8192;
export const MAX_CHAIN_ENTRIES = 64;

/** Controls, format characters (bidi overrides, zero-width), surrogates, private use, unassigned, line separators. */
const UNSAFE = /[\p{C}\p{Zl}\p{Zp}]/u;
/** Names have no whitespace at all. */
const UNSAFE_IN_NAME = /[\p{C}\p{Z}\s]/u;
/** A token is base64url, `.`, and `~`/`,`/percent-encoded breadcrumbs: visible ASCII only. */
const TOKEN = /^[\x21-\x7e]+$/;

/** The problem with a function reference (`field` names it in the message), or undefined when it is acceptable. */
export function functionProblem(value: unknown, field = 'function'): string | undefined {
  if (typeof value !== 'string' || value === '') return `"${field}" must be a function name or id`;
  if (value.length > MAX_FUNCTION_LENGTH)
    return `"${field}" is longer than ${MAX_FUNCTION_LENGTH} characters`;
  if (UNSAFE_IN_NAME.test(value))
    return `"${field}" must not contain whitespace, control or format characters`;
  return undefined;
}

export function principalProblem(value: unknown, field = 'principal'): string | undefined {
  if (typeof value !== 'string' || value === '') return `"${field}" must be a non-empty string`;
  if (value.length > MAX_PRINCIPAL_LENGTH)
    return `"${field}" is longer than ${MAX_PRINCIPAL_LENGTH} characters`;
  if (UNSAFE.test(value) || value.trim() !== value)
    return `"${field}" must not contain control or format characters, or surrounding spaces`;
  return undefined;
}

export function tokenProblem(value: unknown, field = 'token'): string | undefined {
  if (typeof value !== 'string' || value === '') return `"${field}" must be a non-empty string`;
  if (value.length > MAX_TOKEN_LENGTH) return `"${field}" is longer than ${MAX_TOKEN_LENGTH} characters`;
  if (!TOKEN.test(value)) return `"${field}" must be visible ASCII (a signed caller context)`;
  return undefined;
}

export function chainProblem(value: unknown, field = 'chain'): string | undefined {
  if (!Array.isArray(value)) return `"${field}" must be a list of function names or ids`;
  if (value.length > MAX_CHAIN_ENTRIES) return `"${field}" has more than ${MAX_CHAIN_ENTRIES} entries`;
  for (let i = 0; i < value.length; i += 1) {
    const problem = functionProblem(value[i], `${field}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

const LOG_LINE_LIMIT = 4096;

/**
 * One log line that cannot pass for more than one: controls, line separators and format characters become
 * `\uXXXX` escapes (a backslash is doubled first, so an escape in the input cannot pass for one made here), and an
 * over-long line is cut with a marker.
 */
export function escapeLogLine(line: string): string {
  const escaped = line
    .replace(/\\/g, '\\\\')
    .replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
  return escaped.length > LOG_LINE_LIMIT
    ? `${escaped.slice(0, LOG_LINE_LIMIT)}... (${escaped.length - LOG_LINE_LIMIT} more characters)`
    : escaped;
}
