/**
 * Values the resolver could not settle (`${ImportValue:Name}`, a parameter with no value, `${Fn.Attr}`) must not
 * reach a policy as `${...}`: IAM would read them as policy variables, i.e. as context keys the request might
 * carry, and a Resource such as `table/${ImportValue:T}` would become a conditional grant on every table. In a
 * policy's Resource, NotResource and Principal they become literal text that matches nothing, and are noticed.
 */
import { isRecord } from './resolver.js';

/** IAM policy variables are `${service:key}` with a lower-case service prefix, or `${*}`, `${?}`, `${$}`. */
const POLICY_VARIABLE = /^(?:[a-z][a-z0-9.-]*:[^:][^}]*|\*|\?|\$)$/;

/** The resolver's markers for what it could not evaluate, leaving policy variables alone. */
const MARKER = /\$\{([^}]*)\}/g;

const POLICY_ELEMENTS = ['Resource', 'NotResource', 'Principal', 'NotPrincipal'];

/** What settling met: the markers to notice, and whether any text changed. */
interface Found {
  markers: Set<string>;
  changed: boolean;
}

function settleText(text: string, found: Found): string {
  if (!text.includes('${')) return text;
  return text.replace(MARKER, (whole, body: string) => {
    const trimmed = body.trim();
    if (POLICY_VARIABLE.test(trimmed)) return whole;
    // An import with no export was reported once by the resolver, where it was met.
    if (!trimmed.startsWith('ImportValue:')) found.markers.add(trimmed);
    found.changed = true;
    // Braces without the dollar are no variable: the text now names a resource that does not exist.
    return `{unresolved:${trimmed}}`;
  });
}

function settleValue(value: unknown, found: Found): unknown {
  if (typeof value === 'string') return settleText(value, found);
  if (Array.isArray(value)) return value.map((item) => settleValue(item, found));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = settleValue(item, found);
    return out;
  }
  return value;
}

/**
 * The document with unresolved values in Resource/NotResource/Principal made inert, and the markers found
 * (for the caller's notice). Anything else (a document given as JSON text) is returned as it is.
 */
export function settleUnresolvedInPolicy(document: unknown): { document: unknown; unresolved: string[] } {
  const found: Found = { markers: new Set(), changed: false };
  if (!isRecord(document)) return { document, unresolved: [] };
  const statements = document.Statement;
  const settleStatement = (statement: unknown): unknown => {
    if (!isRecord(statement)) return statement;
    const out: Record<string, unknown> = { ...statement };
    for (const key of POLICY_ELEMENTS) if (key in out) out[key] = settleValue(out[key], found);
    return out;
  };
  const settled = Array.isArray(statements)
    ? statements.map(settleStatement)
    : statements === undefined
      ? undefined
      : settleStatement(statements);
  if (!found.changed) return { document, unresolved: [] };
  return { document: { ...document, Statement: settled }, unresolved: [...found.markers] };
}
