/** ARNs: splitting into their six segments, and wildcard patterns matched segment by segment. */
import { compileTokens, hasVariables, resolveTokens, tokenizePattern } from './pattern.js';
import type { PatternToken, StringMatcher } from './pattern.js';
import { nameItems, relateNames, type NameRelation } from './namePattern.js';

/** `arn:partition:service:region:account:resource`; the resource part keeps any further colons. */
export function splitArn(arn: string): string[] | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/** The account segment of an ARN, when it has one. */
export function arnAccount(arn: string): string | undefined {
  const parts = splitArn(arn);
  const account = parts?.[4];
  return account ? account : undefined;
}

/** Splits tokens on literal colons into at most six segments; the last keeps the rest. */
function splitTokensOnColons(tokens: readonly PatternToken[]): PatternToken[][] {
  const segments: PatternToken[][] = [[]];
  for (const token of tokens) {
    if (token.kind !== 'text' || segments.length === 6) {
      (segments[segments.length - 1] as PatternToken[]).push(token);
      continue;
    }
    const pieces = token.text.split(':');
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (segments.length < 6) segments.push([]);
        else (segments[5] as PatternToken[]).push({ kind: 'text', text: ':' });
      }
      if (piece) (segments[segments.length - 1] as PatternToken[]).push({ kind: 'text', text: piece });
    });
  }
  return segments;
}

/** Matches a split ARN against segment matchers; a short pattern's last segment takes the rest of the ARN. */
function matchSegments(segments: readonly StringMatcher[], parts: readonly string[]): boolean {
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    if (!(segments[i] as StringMatcher)(parts[i] as string)) return false;
  }
  const rest = last === parts.length - 1 ? (parts[last] as string) : parts.slice(last).join(':');
  return (segments[last] as StringMatcher)(rest);
}

/** A value to match against: the raw string and, when it is an ARN, its segments. */
export interface ArnValue {
  text: string;
  parts: string[] | undefined;
  /**
   * True when the value stands for every name of a pattern (`*` in it is a name generated at deployment):
   * a policy pattern then matches when it covers all those names, may match when it covers some.
   */
  pattern?: boolean;
}

export function toArnValue(text: string, pattern = false): ArnValue {
  return pattern ? { text, parts: splitArn(text), pattern } : { text, parts: splitArn(text) };
}

/** Whether the resource part of an ARN holds a `*`: an id that stands for names generated at deployment. */
export function isNamePattern(arn: string): boolean {
  const parts = splitArn(arn);
  return parts !== undefined && (parts[5] as string).includes('*');
}

/** How resolved policy tokens relate to a name-pattern value, segment by segment when both are ARNs. */
function relateTokens(tokens: readonly PatternToken[], value: ArnValue): NameRelation {
  const objectTail = value.parts?.[2] === 's3';
  const first = tokens[0];
  const headLiteral = value.parts !== undefined && value.parts.slice(0, 5).every((p) => !p.includes('*'));
  if (!(first?.kind === 'text' && first.text.startsWith('arn:')) || !headLiteral || !value.parts)
    return relateNames(tokens, nameItems(value.text, objectTail));
  const segments = splitTokensOnColons(tokens);
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    if (!compileTokens(segments[i] as PatternToken[])(value.parts[i] as string)) return 'none';
  }
  const rest = value.parts.slice(last).join(':');
  return relateNames(segments[last] as PatternToken[], nameItems(rest, objectTail));
}

type ArnMatcher = (value: ArnValue) => boolean;

function compileArnTokens(tokens: readonly PatternToken[]): ArnMatcher {
  const whole = compileTokens(tokens);
  const first = tokens[0];
  const isArnPattern = first?.kind === 'text' && first.text.startsWith('arn:');
  if (!isArnPattern) return (value) => whole(value.text);
  const split = splitTokensOnColons(tokens);
  // With the first five segments literal, matching segment by segment is matching the whole text: take the
  // cheaper whole-text matcher (equality, prefix, suffix, or one RegExp).
  const literalHead =
    split.length === 6 && split.slice(0, 5).every((segment) => segment.every((t) => t.kind === 'text'));
  if (literalHead) return (value) => whole(value.text);
  const segments = split.map((segment) => compileTokens(segment));
  return (value) => (value.parts ? matchSegments(segments, value.parts) : whole(value.text));
}

/**
 * A Resource/ArnLike pattern. Variable-free patterns are compiled once; patterns with variables are resolved
 * per request, with the compiled result cached by resolved text.
 */
export class ArnPattern {
  readonly tokens: PatternToken[];
  readonly variables: boolean;
  private readonly fixed: ArnMatcher | undefined;
  private readonly cache = new Map<string, ArnMatcher>();
  private readonly relations = new Map<string, NameRelation>();

  constructor(
    /** The pattern as written. */
    readonly source: string,
    allowVariables: boolean,
  ) {
    const pattern = source;
    this.tokens = tokenizePattern(pattern, allowVariables);
    this.variables = hasVariables(this.tokens);
    this.fixed = this.variables ? undefined : compileArnTokens(this.tokens);
  }

  /** true/false, or undefined when a variable has no value in the request. */
  matches(value: ArnValue, lookup: (key: string) => string | undefined): boolean | undefined {
    if (this.fixed) return this.fixed(value);
    const resolved = resolveTokens(this.tokens, lookup);
    if (!resolved) return undefined;
    const key = JSON.stringify(resolved);
    let matcher = this.cache.get(key);
    if (!matcher) {
      matcher = compileArnTokens(resolved);
      if (this.cache.size > 256) this.cache.clear();
      this.cache.set(key, matcher);
    }
    return matcher(value);
  }

  /**
   * For a value that stands for a set of names (`value.pattern`): whether this pattern covers all of them, some
   * or none; undefined when a variable has no value in the request.
   */
  relate(value: ArnValue, lookup: (key: string) => string | undefined): NameRelation | undefined {
    const resolved = this.variables ? resolveTokens(this.tokens, lookup) : this.tokens;
    if (!resolved) return undefined;
    const key = `${this.variables ? JSON.stringify(resolved) : ''}\u0000${value.text}`;
    let relation = this.relations.get(key);
    if (relation === undefined) {
      relation = relateTokens(resolved, value);
      if (this.relations.size > 256) this.relations.clear();
      this.relations.set(key, relation);
    }
    return relation;
  }
}
