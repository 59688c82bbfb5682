/**
 * Values the resolver could not settle (`${ImportValue:Name}`, a parameter with no value, `${Fn.Attr}`) must not
 * reach a policy as `${...}`: IAM would read them as policy variables, i.e. as context keys the request might
 * carry, and a Resource such as `table/${ImportValue:T}` would become a conditional grant on every table. In a
 * policy's Resource, NotResource and Principal their `$` is escaped (`${$}`), so the marker is literal text: it
 * names the same unknown resource the template's own ids name (`table/orders-${Stage}`), and nothing else.
 */
import { isRecord } from './resolver.js';

/** IAM policy variables are `${service:key}` with a lower-case service prefix, or `${*}`, `${?}`, `${$}`. */
const POLICY_VARIABLE = /^(?:[a-z][a-z0-9.-]*:[^:][^}]*|\*|\?|\$)$/;

const MARKER = /\$\{([^}]*)\}/g;

const POLICY_ELEMENTS = ['Resource', 'NotResource', 'Principal', 'NotPrincipal'];

/** Whether anything was escaped. */
interface Settling {
  changed: boolean;
}

function settleText(text: string, state: Settling): string {
  if (!text.includes('${')) return text;
  return text.replace(MARKER, (whole, body: string) => {
    if (POLICY_VARIABLE.test(body.trim())) return whole;
    state.changed = true;
    return `\${$}{${body}}`;
  });
}

function settleValue(value: unknown, state: Settling): unknown {
  if (typeof value === 'string') return settleText(value, state);
  if (Array.isArray(value)) return value.map((item) => settleValue(item, state));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = settleValue(item, state);
    return out;
  }
  return value;
}

/**
 * The document with the resolver's markers in Resource/NotResource/Principal made literal. Only version
 * 2012-10-17 documents have policy variables; others, and documents given as JSON text, are returned as they are.
 */
export function settleUnresolvedInPolicy(document: unknown): unknown {
  if (!isRecord(document) || document.Version !== '2012-10-17') return document;
  const state: Settling = { changed: false };
  const settleStatement = (statement: unknown): unknown => {
    if (!isRecord(statement)) return statement;
    const out: Record<string, unknown> = { ...statement };
    for (const key of POLICY_ELEMENTS) if (key in out) out[key] = settleValue(out[key], state);
    return out;
  };
  const statements = document.Statement;
  const settled = Array.isArray(statements) ? statements.map(settleStatement) : settleStatement(statements);
  return state.changed ? { ...document, Statement: settled } : document;
}
