/**
 * Serverless Framework variables: `${self:...}`, `${opt:stage, 'dev'}`, `${sls:stage}`, `${aws:accountId}`,
 * `${aws:region}`, `${param:...}`, with fallbacks and nesting. Sources that need the outside world (`env`, `file`,
 * `ssm`, `cf`, `s3`) use their fallback when one is given and otherwise stay as written (symbolic).
 * CloudFormation's `${AWS::Region}` and Fn::Sub references (`${Queue.Arn}`) are not variables and are left alone.
 */
import { isRecord } from '../cloudformation/index.js';

export interface VariableContext {
  /** The whole configuration as written, for `self:` lookups. */
  self: Record<string, unknown>;
  /** `--param` values: `stage`, `region` and anything `opt:`/`param:` asks for. */
  params: Record<string, string>;
  account: string;
  /** Region when the configuration does not set one. */
  defaultRegion: string;
}

const MAX_DEPTH = 32;
const MAX_STEPS = 2000;
/** `source:` or `source(` at the start of a variable body; `AWS::` (CloudFormation) is not one. */
const VARIABLE_BODY = /^\s*[a-zA-Z][\w-]*(\(|:(?!:))/;
const UNRESOLVED = Symbol('unresolved');

type Lookup = unknown | typeof UNRESOLVED;

export class VariableResolver {
  private readonly selfCache = new Map<string, unknown>();
  private readonly resolving = new Set<string>();
  private stageValue?: string;
  private regionValue?: string;

  constructor(private readonly context: VariableContext) {}

  get stage(): string {
    if (this.stageValue === undefined) {
      const provider = this.context.self.provider;
      const declared = isRecord(provider) ? this.resolve(provider.stage, 1) : undefined;
      this.stageValue =
        this.context.params.stage ??
        (typeof declared === 'string' && !declared.includes('${') ? declared : 'dev');
    }
    return this.stageValue;
  }

  get region(): string {
    if (this.regionValue === undefined) {
      const provider = this.context.self.provider;
      const declared = isRecord(provider) ? this.resolve(provider.region, 1) : undefined;
      this.regionValue =
        this.context.params.region ??
        (typeof declared === 'string' && !declared.includes('${') ? declared : this.context.defaultRegion);
    }
    return this.regionValue;
  }

  /** The value with every resolvable variable replaced. */
  resolve(value: unknown, depth = 0): unknown {
    if (depth > MAX_DEPTH) return value;
    if (typeof value === 'string') return this.resolveString(value, depth);
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, depth + 1));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.resolve(item, depth + 1);
      return out;
    }
    return value;
  }

  private resolveString(text: string, depth: number): unknown {
    if (!text.includes('${') || depth > MAX_DEPTH) return text;
    const kept: string[] = [];
    const token = (i: number): string => `\uE000${i}\uE000`;
    let current = text;
    for (let step = 0; step < MAX_STEPS; step++) {
      const match = /\$\{([^${}]*)\}/.exec(current);
      if (!match) break;
      const [whole, body] = match as unknown as [string, string];
      const value = VARIABLE_BODY.test(body) ? this.variable(body, depth) : UNRESOLVED;
      if (value === UNRESOLVED || (typeof value === 'object' && value !== null && whole !== current)) {
        kept.push(whole);
        current = current.replace(whole, () => token(kept.length - 1));
        continue;
      }
      // Values come back fully resolved (or as symbolic text); they are not resolved again.
      if (whole === current) return value;
      current = current.replace(whole, () => String(value));
    }
    // Put back what stayed symbolic; kept texts may themselves hold earlier tokens.
    for (let i = kept.length - 1; i >= 0; i--) current = current.replace(token(i), () => kept[i] as string);
    for (let round = 0; round < kept.length && current.includes('\uE000'); round++) {
      current = current.replace(/\uE000(\d+)\uE000/g, (_t, n: string) => kept[Number(n)] ?? '');
    }
    return current;
  }

  /** `source:address, fallback, ...`: the first alternative that resolves. */
  private variable(body: string, depth: number): Lookup {
    for (const alternative of splitTopLevel(body)) {
      const value = this.alternative(alternative.trim(), depth);
      if (value !== UNRESOLVED && value !== undefined && value !== null) return value;
    }
    return UNRESOLVED;
  }

  private alternative(text: string, depth: number): Lookup {
    const quoted = /^(['"])(.*)\1$/s.exec(text);
    if (quoted) return quoted[2];
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    if (text === 'true' || text === 'false') return text === 'true';
    const colon = text.indexOf(':');
    if (colon < 0) return UNRESOLVED;
    const source = text.slice(0, colon);
    const address = text.slice(colon + 1);
    const { params } = this.context;
    switch (source) {
      case 'self':
        return this.self(address, depth);
      case 'opt':
        return address === 'stage'
          ? (params.stage ?? UNRESOLVED)
          : address === 'region'
            ? (params.region ?? UNRESOLVED)
            : (params[address] ?? UNRESOLVED);
      case 'param':
        return params[address] ?? UNRESOLVED;
      case 'sls':
        return address === 'stage' ? this.stage : UNRESOLVED;
      case 'aws':
        return address === 'accountId'
          ? this.context.account
          : address === 'region'
            ? this.region
            : UNRESOLVED;
      default:
        return UNRESOLVED;
    }
  }

  private self(address: string, depth: number): Lookup {
    if (this.selfCache.has(address)) return this.selfCache.get(address);
    if (this.resolving.has(address) || depth > MAX_DEPTH) return UNRESOLVED;
    let value: unknown = this.context.self;
    for (const key of address.split('.').filter(Boolean)) {
      value = isRecord(value) ? value[key] : Array.isArray(value) ? value[Number(key)] : undefined;
      if (value === undefined) return UNRESOLVED;
    }
    this.resolving.add(address);
    try {
      const resolved = this.resolve(value, depth + 1);
      this.selfCache.set(address, resolved);
      return resolved;
    } finally {
      this.resolving.delete(address);
    }
  }
}

/** Splits `a, 'b, c', d` on commas outside quotes and parentheses. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let parens = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') parens++;
    else if (c === ')') parens--;
    else if (c === ',' && parens === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
