/**
 * The text of Serverless Framework variables: finding each `${...}` with its matching brace (bodies nest:
 * `${self:custom.${sls:stage}.table}`), splitting a body into its fallbacks (`a, 'b, c', ${d}`), and telling a
 * variable from CloudFormation's `${AWS::Region}` or an Fn::Sub reference (`${Queue.Arn}`), which are left alone.
 */

/** `source:` or `source(` at the start of a variable body; `AWS::` (CloudFormation) is not one. */
const VARIABLE_BODY = /^\s*[a-zA-Z][\w-]*(\(|:(?!:))/;

export interface VariableSpan {
  /** Offset of `$` and of the character after the closing `}`. */
  start: number;
  end: number;
  /** The text between `${` and `}`. */
  body: string;
}

export function isVariableBody(body: string): boolean {
  return VARIABLE_BODY.test(body);
}

/** The `}` matching the `${` at `open`, or -1; quotes inside the body are skipped over. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === "'" || c === '"') && depth > 0 && /[\s,(]/.test(text[i - 1] ?? '')) {
      // A quote opens a literal only where a fallback or an argument starts (`, 'dev'`), not inside a word.
      quote = c;
    } else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The top-level `${...}` of `text` whose bodies are Serverless variables, in order. */
export function variableSpans(text: string): VariableSpan[] {
  const spans: VariableSpan[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    if (start < 0) return spans;
    const close = matchingBrace(text, start);
    if (close < 0) return spans;
    const body = text.slice(start + 2, close);
    if (isVariableBody(body)) spans.push({ start, end: close + 1, body });
    from = isVariableBody(body) ? close + 1 : start + 2;
  }
}

/** Splits `a, 'b, c', ${d, e}` on commas outside quotes, parentheses and nested `${...}`. */
export function splitFallbacks(body: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && body.slice(start, i).trim() === '') quote = c;
    else if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(body.slice(start).trim());
  return parts;
}

/** A fallback written as a literal: a quoted string, a number, `true`/`false`, or `null`. */
export function literalFallback(text: string): { value: unknown } | undefined {
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return { value: quoted[2] };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { value: Number(text) };
  if (text === 'true' || text === 'false') return { value: text === 'true' };
  if (text === 'null') return { value: null };
  return undefined;
}

/**
 * `source:address`, `source(arg):address` or `file(path):address` → its parts. The address may be empty
 * (`${self:}` is the whole configuration, `${file(x.yml)}` the whole file).
 */
export function parseReference(
  text: string,
): { source: string; argument?: string; address: string } | undefined {
  const match = /^([a-zA-Z][\w-]*)(?:\((.*?)\))?(?::(.*))?$/s.exec(text);
  if (!match) return undefined;
  const [, source, argument, address] = match as unknown as [string, string, string?, string?];
  if (argument === undefined && address === undefined) return undefined;
  return { source, ...(argument !== undefined ? { argument } : {}), address: address ?? '' };
}
