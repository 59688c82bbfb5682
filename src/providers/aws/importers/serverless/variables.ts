/**
 * Serverless Framework variables, resolved as the Framework (v3/v4) does: `self:`, `file()` (YAML/JSON, whole or
 * `:key.path`), `opt:`, `param:`, `env:`, `sls:stage`, `aws:region`/`aws:accountId`, `cf:`, `ssm:` and `s3:`,
 * with fallbacks (`${opt:stage, 'dev'}`, `${env:X, ${self:custom.y}}`) and nesting
 * (`${self:custom.${sls:stage}.table}`). A value that is one whole variable keeps its type (a file's object, a
 * list); inside a longer string it is interpolated. For reproducibility nothing comes from the process environment
 * or from AWS: `env:`, `cf:`, `ssm:`, `s3:` and `opt:`/`param:` values come from `--param` (see `source` and
 * the README). What stays unresolved is left as written (`${ssm:/x}`) and listed by `unresolved()` with the
 * reason; cycles stop at the first repeated reference. CloudFormation's `${AWS::Region}` and Fn::Sub references
 * (`${Queue.Arn}`) are not variables and are left alone.
 */
import { isRecord } from '../cloudformation/index.js';
import { VariableFiles, type FileAccess } from './variableFiles.js';
import {
  literalFallback,
  parseReference,
  splitFallbacks,
  variableSpans,
  type VariableSpan,
} from './variableSyntax.js';

export interface VariableContext {
  /** The whole configuration as written, for `self:` lookups. */
  self: Record<string, unknown>;
  /** `--param` values: `stage`, `region`, `K` for `opt:K`/`param:K`, `env:X`, `cf:stack.Output`, `ssm:/p`, ... */
  params: Record<string, string>;
  account: string;
  /** Region when neither `--param region=` nor `provider.region` gives one. */
  defaultRegion: string;
  /** Where `file()` may read; without it no file is read (every `file()` stays unresolved). */
  files?: FileAccess;
}

/** A reference that stayed unresolved: its text as written, where it was first met, and why. */
export interface UnresolvedReference {
  text: string;
  path: string;
  reason: string;
}

type Result = { ok: true; value: unknown } | { ok: false; reason: string };

const fail = (reason: string): Result => ({ ok: false, reason });
const MAX_DEPTH = 32;
/** References followed inside one another (`a` uses `b` uses `c` ...) before giving up. */
const MAX_CHAIN = 100;
/** A string built by interpolation longer than this is refused (`a: ${b}${b}`, `b: ${c}${c}`, ... doubles). */
const MAX_TEXT = 1_000_000;
/** Bounds the work a hostile configuration can cause (each variable lookup is one step). */
const MAX_STEPS = 100_000;

export class VariableResolver {
  private readonly cache = new Map<string, Result>();
  /** Keys of the lookups under way, innermost last: a key met again is a cycle. */
  private readonly active: string[] = [];
  private readonly reasons = new Map<string, string>();
  private readonly files?: VariableFiles;
  private cycles = 0;
  private steps = 0;
  private stageValue?: string;
  private regionValue?: string;

  constructor(private readonly context: VariableContext) {
    if (context.files) this.files = new VariableFiles(context.files);
  }

  /** `--param stage=`, else `provider.stage`, else `dev` (the Framework's `${sls:stage}`). */
  get stage(): string {
    this.stageValue ??= this.providerSetting('stage') ?? 'dev';
    return this.stageValue;
  }

  /** `--param region=`, else `provider.region`, else ares's `--region` (default `us-east-1`, the Framework's). */
  get region(): string {
    this.regionValue ??= this.providerSetting('region') ?? this.context.defaultRegion;
    return this.regionValue;
  }

  /** The value with every resolvable variable replaced; what cannot be resolved stays as written. */
  resolve(value: unknown, depth = 0): unknown {
    if (depth > MAX_DEPTH) return value;
    if (typeof value === 'string') return this.resolveString(value);
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, depth + 1));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.resolve(item, depth + 1);
      return out;
    }
    return value;
  }

  /** The variables left in a resolved value, each once, with the reason it could not be resolved. */
  unresolved(resolved: unknown, path = ''): UnresolvedReference[] {
    const out = new Map<string, UnresolvedReference>();
    const visit = (value: unknown, at: string, depth: number): void => {
      if (depth > MAX_DEPTH * 4) return;
      if (typeof value === 'string') {
        for (const span of variableSpans(value)) {
          const text = value.slice(span.start, span.end);
          if (!out.has(text))
            out.set(text, { text, path: at, reason: this.reasons.get(text) ?? 'it has no value' });
        }
      } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${at}[${i}]`, depth + 1));
      else if (isRecord(value))
        for (const [key, item] of Object.entries(value)) visit(item, at ? `${at}.${key}` : key, depth + 1);
    };
    visit(resolved, path, 0);
    return [...out.values()];
  }

  private providerSetting(key: 'stage' | 'region'): string | undefined {
    const given = this.context.params[key] ?? this.context.params[`opt:${key}`];
    if (given !== undefined) return given;
    const provider = this.context.self.provider;
    if (!isRecord(provider) || provider[key] === undefined) return undefined;
    const declared = this.lookup(`self:provider.${key}`, () => this.walk(provider, [key], 'self:provider.'));
    return declared.ok && typeof declared.value === 'string' && variableSpans(declared.value).length === 0
      ? declared.value
      : undefined;
  }

  private resolveString(text: string): unknown {
    const result = this.stringResult(text);
    return result.ok ? result.value : this.partial(text, variableSpans(text)[0] as VariableSpan);
  }

  /** An unresolved variable as written, with the variables nested in it resolved (`${ssm:/app/prod/key}`). */
  private partial(text: string, span: VariableSpan): string {
    const body = span.body;
    const inner = variableSpans(body);
    const written = text.slice(span.start, span.end);
    if (inner.length === 0) return written;
    const resolved = `\${${this.interpolate(body, inner, false).value}}`;
    const reason = this.reasons.get(written);
    if (reason !== undefined) this.remember(resolved, reason);
    return resolved;
  }

  /** A string that is one whole variable fails when that variable does; a longer one keeps what fails. */
  private stringResult(text: string): Result {
    const spans = variableSpans(text);
    if (spans.length === 0) return { ok: true, value: text };
    const first = spans[0] as VariableSpan;
    if (spans.length === 1 && first.start === 0 && first.end === text.length) {
      const result = this.reference(first.body);
      if (result.ok && result.value !== undefined) return result;
      const reason = result.ok ? 'it has no value' : result.reason;
      this.remember(text, reason);
      return fail(reason);
    }
    return { ok: true, value: this.interpolate(text, spans, true).value };
  }

  /** Replaces each variable of `text` by its text form; `keep` leaves the unresolved ones as written. */
  private interpolate(
    text: string,
    spans: VariableSpan[],
    keep: boolean,
  ): { value: string; failure?: string } {
    let out = '';
    let at = 0;
    let failure: string | undefined;
    for (const span of spans) {
      out += text.slice(at, span.start);
      at = span.end;
      const written = text.slice(span.start, span.end);
      const result = this.reference(span.body);
      const reason = !result.ok
        ? result.reason
        : result.value === undefined || result.value === null
          ? 'it has no value'
          : typeof result.value === 'object'
            ? 'it is an object or a list, which cannot be part of a string'
            : undefined;
      if (reason === undefined && result.ok) {
        out += String(result.value as string | number | boolean);
        if (out.length > MAX_TEXT) break;
      } else {
        failure ??= `${written}: ${reason ?? 'it has no value'}`;
        if (keep) {
          this.remember(written, reason ?? 'it has no value');
          out += this.partial(text, span);
        } else out += written;
      }
    }
    out += text.slice(at);
    if (out.length > MAX_TEXT) {
      const reason = `the value grows longer than ${MAX_TEXT} characters`;
      if (keep) for (const span of spans) this.remember(text.slice(span.start, span.end), reason);
      return { value: text, failure: reason };
    }
    return failure === undefined ? { value: out } : { value: out, failure };
  }

  /** `a, b, c`: the first alternative that has a value; else the first alternative's failure. */
  private reference(body: string): Result {
    if (++this.steps > MAX_STEPS) return fail('the configuration needs too many variable lookups');
    let first: Result | undefined;
    for (const alternative of splitFallbacks(body)) {
      const result = this.alternative(alternative);
      if (result.ok && result.value !== undefined && (result.value !== null || isNullLiteral(alternative)))
        return result;
      first ??= result.ok ? fail(`${alternative} has no value`) : result;
    }
    return first ?? fail('the variable is empty');
  }

  private alternative(text: string): Result {
    const literal = literalFallback(text);
    if (literal) return { ok: true, value: literal.value };
    const spans = variableSpans(text);
    const only = spans[0];
    if (only && spans.length === 1 && only.start === 0 && only.end === text.length)
      return this.reference(only.body);
    // Nested variables in the address or argument are resolved first, inside out.
    const inner = this.interpolate(text, spans, false);
    if (inner.failure !== undefined) return fail(inner.failure);
    const parsed = parseReference(inner.value);
    if (!parsed) return fail(`${text} is neither a variable nor a quoted value`);
    return this.source(parsed.source, parsed.argument, parsed.address.trim());
  }

  private source(source: string, argument: string | undefined, address: string): Result {
    switch (source) {
      case 'self':
        return this.self(address);
      case 'file':
        // `file('./x.yml')` and `file(./x.yml)` name the same file.
        return this.file((argument ?? '').trim().replace(/^(['"])(.*)\1$/s, '$2'), address);
      case 'opt':
        return this.param([address, `opt:${address}`], `--param ${address}=VALUE`);
      case 'param':
        return this.configParam(address);
      case 'env':
        // The process environment is not read: a scan must not depend on who runs it.
        return this.param([`env:${address}`], `--param env:${address}=VALUE (the environment is not read)`);
      case 'sls':
        if (address === 'stage') return this.lookup('sls:stage', () => ({ ok: true, value: this.stage }));
        return this.param([`sls:${address}`], `--param sls:${address}=VALUE`);
      case 'aws':
        if (address === 'accountId') return { ok: true, value: this.context.account };
        if (address === 'region') return this.lookup('sls:region', () => ({ ok: true, value: this.region }));
        return fail(`aws:${address} is not a Framework variable (only aws:accountId and aws:region are)`);
      case 'cf':
      case 's3':
        return this.param([`${source}:${address}`], `--param ${source}:${address}=VALUE`);
      case 'ssm': {
        // `ssm:/p~true` (v2, decrypt) names the same parameter as `ssm:/p`.
        const name = address.replace(/~(true|false)$/, '');
        return this.param([`ssm:${name}`], `--param ssm:${name}=VALUE`);
      }
      default:
        return this.param(
          [`${source}:${address}`],
          `--param ${source}:${address}=VALUE (the ${source} source is not one ares reads)`,
        );
    }
  }

  private param(keys: string[], hint: string): Result {
    for (const key of keys) {
      const value = this.context.params[key];
      if (value !== undefined) return { ok: true, value };
    }
    return fail(`no value given; pass ${hint}`);
  }

  /** `param:K`: `--param param:K=`/`--param K=`, else `params.<stage>.K`, else `params.default.K`. */
  private configParam(key: string): Result {
    const given = this.param([`param:${key}`, key], '');
    if (given.ok) return given;
    for (const scope of [this.stage, 'default']) {
      const params = this.context.self.params;
      if (
        isRecord(params) &&
        isRecord(params[scope]) &&
        (params[scope] as Record<string, unknown>)[key] !== undefined
      )
        return this.lookup(`self:params.${scope}.${key}`, () =>
          this.walk(params, [scope, key], 'self:params'),
        );
    }
    return fail(`no value given; pass --param ${key}=VALUE or set params.${this.stage}.${key}`);
  }

  private self(address: string): Result {
    const segments = address.split('.').filter(Boolean);
    const absent = (): Result | undefined => {
      // The Framework's defaults, when the configuration does not set them.
      if (address === 'provider.stage') return { ok: true, value: this.stage };
      if (address === 'provider.region') return { ok: true, value: this.region };
      return undefined;
    };
    return this.lookup(`self:${address}`, () => {
      const found = this.walk(this.context.self, segments, 'self:');
      // Stage and region are never unknown to ares: a declared value that fails falls back as above.
      return found.ok ? found : (absent() ?? found);
    });
  }

  private file(path: string, address: string): Result {
    if (!this.files) return fail('files are not read here');
    if (path === '') return fail('file() names no file');
    const content = this.files.read(path);
    if (!content.ok) return fail(content.problem);
    const segments = address.split('.').filter(Boolean);
    return this.lookup(`file(${path}):${address}`, () =>
      this.walk(content.value, segments, `file(${path}):`, `in ${path}`),
    );
  }

  /** Follows `segments` from `root`, resolving variables met on the way, then resolves what it finds. */
  private walk(root: unknown, segments: string[], prefix: string, where = 'in the configuration'): Result {
    let current: unknown = root;
    for (let i = 0; i < segments.length; i++) {
      if (typeof current === 'string' && variableSpans(current).length > 0) {
        const key = `${prefix}${segments.slice(0, i).join('.')}`;
        const text = current;
        const step = this.lookup(key, () => this.fully(text));
        if (!step.ok) return step;
        current = step.value;
      }
      const key = segments[i] as string;
      current = isRecord(current)
        ? Object.prototype.hasOwnProperty.call(current, key)
          ? current[key]
          : undefined
        : Array.isArray(current) && /^\d+$/.test(key)
          ? current[Number(key)]
          : undefined;
      if (current === undefined)
        return fail(`${prefix}${segments.slice(0, i + 1).join('.')} is not ${where}`);
    }
    return this.fully(current);
  }

  /** Resolves a found value deeply; a cycle met inside makes the whole lookup fail rather than half-resolve. */
  private fully(value: unknown): Result {
    const before = this.cycles;
    // A value that is one variable which fails fails the lookup too, so that fallbacks around it apply.
    const resolved: Result =
      typeof value === 'string' ? this.stringResult(value) : { ok: true, value: this.resolve(value) };
    if (!resolved.ok) return resolved;
    if (this.cycles > before) return fail(this.lastCycle ?? 'a variable cycle');
    return resolved;
  }

  private lastCycle?: string;

  /** Runs a lookup once per key; a key already under way is a cycle. */
  private lookup(key: string, run: () => Result): Result {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const at = this.active.indexOf(key);
    if (at >= 0 || this.active.length > MAX_CHAIN) {
      this.cycles++;
      this.lastCycle =
        at >= 0
          ? `the variables form a cycle: ${[...this.active.slice(at), key].map(display).join(' → ')}`
          : 'variables nest too deeply';
      return fail(this.lastCycle);
    }
    this.active.push(key);
    try {
      const result = run();
      this.cache.set(key, result);
      return result;
    } finally {
      this.active.pop();
    }
  }

  private remember(text: string, reason: string): void {
    if (!this.reasons.has(text)) this.reasons.set(text, reason);
  }
}

const isNullLiteral = (text: string): boolean => text.trim() === 'null';
const display = (key: string): string => `\${${key}}`;
