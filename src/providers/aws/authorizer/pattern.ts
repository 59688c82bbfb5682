/**
 * Wildcard patterns (`*`, `?`) with IAM policy variables (`${aws:username}`, `${key, 'default'}`, `${*}`),
 * compiled once into the cheapest matcher that serves: equality, prefix, or an anchored RegExp.
 */
import { InternTable } from './intern.js';

export type PatternToken =
  | { kind: 'text'; text: string }
  | { kind: 'any' } // `*`
  | { kind: 'one' } // `?`
  | { kind: 'variable'; key: string; fallback?: string };

const SPECIAL_VARIABLES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/** Splits a pattern into tokens; `${...}` is a variable only when the policy version allows variables. */
export function tokenizePattern(pattern: string, variables: boolean, wildcards = true): PatternToken[] {
  const tokens: PatternToken[] = [];
  let text = '';
  const flush = (): void => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (variables && c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end > 0) {
        const body = pattern.slice(i + 2, end).trim();
        const special = SPECIAL_VARIABLES[body];
        if (special !== undefined) {
          text += special; // `${*}` is a literal asterisk, never a wildcard
        } else {
          flush();
          const withDefault = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(body);
          if (withDefault) {
            tokens.push({
              kind: 'variable',
              key: (withDefault[1] as string).toLowerCase(),
              fallback: withDefault[2] as string,
            });
          } else {
            tokens.push({ kind: 'variable', key: body.toLowerCase() });
          }
        }
        i = end;
        continue;
      }
    }
    if (wildcards && c === '*') {
      flush();
      tokens.push({ kind: 'any' });
    } else if (wildcards && c === '?') {
      flush();
      tokens.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return tokens;
}

export function hasVariables(tokens: readonly PatternToken[]): boolean {
  return tokens.some((t) => t.kind === 'variable');
}

/** The variable keys a pattern refers to. */
export function variableKeys(tokens: readonly PatternToken[]): string[] {
  return tokens.flatMap((t) => (t.kind === 'variable' ? [t.key] : []));
}

export type StringMatcher = (value: string) => boolean;

const globs = new InternTable<StringMatcher>(50_000);

/** The matcher of a variable-free glob (`s3:get*`, an action name), shared by every policy that writes the same text. */
export function globMatcher(pattern: string): StringMatcher {
  return globs.get(pattern) ?? globs.set(pattern, compileTokens(tokenizePattern(pattern, false)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles variable-free tokens into a matcher. `ignoreCase` expects the caller to lower-case the input too. */
export function compileTokens(tokens: readonly PatternToken[], ignoreCase = false): StringMatcher {
  const fold = (s: string): string => (ignoreCase ? s.toLowerCase() : s);
  if (tokens.length === 0) return (value) => value === '';
  if (tokens.length === 1) {
    const only = tokens[0] as PatternToken;
    if (only.kind === 'any') return () => true;
    if (only.kind === 'text') {
      const text = fold(only.text);
      return (value) => value === text;
    }
  }
  if (tokens.length === 2) {
    const [first, second] = tokens as [PatternToken, PatternToken];
    if (first.kind === 'text' && second.kind === 'any') {
      const prefix = fold(first.text);
      return (value) => value.startsWith(prefix);
    }
    if (first.kind === 'any' && second.kind === 'text') {
      const suffix = fold(second.text);
      return (value) => value.endsWith(suffix);
    }
  }
  let source = '^';
  for (const token of tokens) {
    if (token.kind === 'text') source += escapeRegExp(fold(token.text));
    else if (token.kind === 'any') source += '.*';
    else if (token.kind === 'one') source += '.';
    else throw new Error('compileTokens: resolve variables first');
  }
  const regex = new RegExp(`${source}$`, 's');
  return (value) => regex.test(value);
}

/** Resolves variables against a lookup; undefined when a variable has no value and no default. */
export function resolveTokens(
  tokens: readonly PatternToken[],
  lookup: (key: string) => string | undefined,
): PatternToken[] | undefined {
  const out: PatternToken[] = [];
  for (const token of tokens) {
    if (token.kind !== 'variable') {
      out.push(token);
      continue;
    }
    const value = lookup(token.key) ?? token.fallback;
    if (value === undefined) return undefined;
    // A substituted value is literal text, even when it contains * or ?.
    const last = out[out.length - 1];
    if (last && last.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + value };
    else out.push({ kind: 'text', text: value });
  }
  return out;
}

/** The literal text of a variable-free, wildcard-free token list (for equality operators). */
export function tokensToText(tokens: readonly PatternToken[]): string {
  return tokens
    .map((t) => (t.kind === 'text' ? t.text : t.kind === 'any' ? '*' : t.kind === 'one' ? '?' : ''))
    .join('');
}
