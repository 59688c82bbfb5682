/**
 * Evaluates CloudFormation intrinsic functions against one template: parameters (defaults or `--param`),
 * pseudo parameters, Mappings, Conditions and the Ref/GetAtt values of its resources (see resourceTypes.ts).
 * Whatever cannot be known before deployment stays symbolic as `${...}` text (`${ImportValue:Name}`); it never throws.
 */
import { arnOf, type ArnScope } from '../../estate/index.js';
import type { Path } from './path.js';
import { resourceTypeInfo, type RefKind } from './resourceTypes.js';

export interface TemplateResource {
  type: string;
  /** Properties after SAM Globals are applied. */
  properties: Record<string, unknown>;
  condition?: string;
  /** Where the resource is declared, e.g. `['Resources', 'Fn']`. */
  path: Path;
  /** Created by SAM or the Serverless Framework, not written in the file: resolvable, not imported itself. */
  generated?: boolean;
}

export interface ResolverInput {
  scope: Required<ArnScope>;
  /** `--param K=V` values; they override parameter defaults and may set `AWS::StackName`. */
  params: Record<string, string>;
  parameters: Record<string, unknown>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  resources: Map<string, TemplateResource>;
  /** Physical ids the template does not spell out but the importer knows (e.g. a Serverless API name). */
  physicalIds?: Map<string, string>;
  /** `info` for what is fine but only known at deployment; otherwise an error in the template. */
  note: (path: Path, message: string, severity?: 'info') => void;
  /** The stack the template is deployed as: `AWS::StackName`, and the prefix of generated names. */
  stack?: string;
  /** Export name → value, from every template of the scan (`Fn::ImportValue`). */
  exports?: ReadonlyMap<string, unknown>;
  /** A reference that no input of the scan resolves (an import with no export, an SSM parameter value). */
  unresolved?: (message: string) => void;
}

/** Marker for `Ref: AWS::NoValue`: the property or list item is removed. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const MAX_DEPTH = 64;

export function isSymbolic(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^}]*\}/.test(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::FindInMap',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::Transform',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
]);

/** The intrinsic function name when `value` is a one-key `{ Fn::X: ... }` object. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSICS.has(keys[0] as string) ? keys[0] : undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export class Resolver {
  private readonly conditionCache = new Map<string, boolean | undefined>();
  private readonly evaluatingConditions = new Set<string>();
  private readonly nameCache = new Map<string, string>();
  private readonly resolvingNames = new Set<string>();

  constructor(private readonly input: ResolverInput) {}

  get scope(): Required<ArnScope> {
    return this.input.scope;
  }

  resource(logicalId: string): TemplateResource | undefined {
    return this.input.resources.get(logicalId);
  }

  /** The value with every intrinsic evaluated; undefined when it is `AWS::NoValue`. */
  resolve(value: unknown, path: Path): unknown {
    const out = this.eval(value, path, 0);
    return out === NO_VALUE ? undefined : out;
  }

  /** A resource property, resolved; `path` in notes points at the property. */
  property(logicalId: string, key: string): unknown {
    const resource = this.input.resources.get(logicalId);
    if (!resource) return undefined;
    return this.resolve(resource.properties[key], [...resource.path, 'Properties', key]);
  }

  /**
   * The physical name: the type's name property when set; otherwise, in a named stack, the name CloudFormation
   * generates (`<stack>-<LogicalId>-*`, a pattern); otherwise the logical id.
   */
  physicalName(logicalId: string): string {
    const cached = this.nameCache.get(logicalId);
    if (cached !== undefined) return cached;
    const known = this.input.physicalIds?.get(logicalId);
    if (known !== undefined) return known;
    const resource = this.input.resources.get(logicalId);
    const info = resource ? resourceTypeInfo(resource.type) : undefined;
    // A name that refers back to itself (A's name is B's, B's is A's) falls back to the logical id, uncached.
    if (this.resolvingNames.has(logicalId)) return logicalId;
    let name = logicalId;
    const generate = info?.generatedName;
    if (resource && generate && this.input.stack !== undefined) name = generate(this.input.stack, logicalId);
    if (resource && info) {
      this.resolvingNames.add(logicalId);
      try {
        for (const key of info.nameProperties) {
          const value = asText(this.property(logicalId, key));
          if (value !== undefined && value !== '') {
            name = value;
            break;
          }
        }
      } finally {
        this.resolvingNames.delete(logicalId);
      }
    }
    this.nameCache.set(logicalId, name);
    return name;
  }

  /** The ARN of a resource of a type in resourceTypes.ts, from its physical name. */
  arnOf(logicalId: string): string | undefined {
    const resource = this.input.resources.get(logicalId);
    const info = resource ? resourceTypeInfo(resource.type) : undefined;
    if (!resource || !info?.arn) return undefined;
    return info.arn(this.scope, this.physicalName(logicalId), (key) => this.property(logicalId, key));
  }

  private valueOfKind(logicalId: string, kind: RefKind): unknown {
    switch (kind) {
      case 'name':
        return this.physicalName(logicalId);
      case 'logical-id':
        return logicalId;
      case 'arn':
        return this.arnOf(logicalId) ?? `\${${logicalId}.Arn}`;
      case 'queue-url':
        return `https://sqs.${this.scope.region}.amazonaws.com/${this.scope.account}/${this.physicalName(logicalId)}`;
      case 'stream-arn':
        // The stream label is a timestamp chosen at deployment; `*` stands for it.
        return `${this.arnOf(logicalId) ?? `\${${logicalId}.Arn}`}/stream/*`;
    }
  }

  /** What `Ref: name` yields: a pseudo parameter, a parameter value, or a resource's Ref value. */
  ref(name: string, path: Path): unknown {
    if (name.startsWith('AWS::')) return this.pseudo(name);
    if (Object.prototype.hasOwnProperty.call(this.input.parameters, name)) return this.parameter(name);
    const qualified = /^(.+)\.(Alias|Version)$/.exec(name);
    const resource = this.input.resources.get(qualified ? (qualified[1] as string) : name);
    if (resource) {
      if (qualified) return this.samQualifiedRef(qualified[1] as string, qualified[2] as string);
      return this.resourceRef(name, resource);
    }
    this.input.note(path, `Ref to '${name}', which the template does not declare`);
    return `\${${name}}`;
  }

  private resourceRef(logicalId: string, resource: TemplateResource): unknown {
    const info = resourceTypeInfo(resource.type);
    if (info) return this.valueOfKind(logicalId, info.ref);
    switch (resource.type) {
      case 'AWS::Lambda::Alias': {
        const fn = asText(this.property(logicalId, 'FunctionName')) ?? `\${${logicalId}.FunctionName}`;
        const alias = asText(this.property(logicalId, 'Name')) ?? logicalId;
        return `${this.functionArnFromText(fn)}:${alias}`;
      }
      case 'AWS::Lambda::Version': {
        const fn = asText(this.property(logicalId, 'FunctionName')) ?? `\${${logicalId}.FunctionName}`;
        return `${this.functionArnFromText(fn)}:\${${logicalId}.Version}`;
      }
      default:
        // Types ares does not model: their physical id is unknown before deployment; the logical id stands in.
        return this.input.physicalIds?.get(logicalId) ?? logicalId;
    }
  }

  /** SAM's `Ref: Fn.Alias` / `Fn.Version` on a function with AutoPublishAlias. */
  private samQualifiedRef(logicalId: string, which: string): unknown {
    const arn = this.arnOf(logicalId) ?? `\${${logicalId}.Arn}`;
    if (which === 'Alias') {
      const alias = asText(this.property(logicalId, 'AutoPublishAlias')) ?? 'live';
      return `${arn}:${alias}`;
    }
    return `${arn}:\${${logicalId}.Version}`;
  }

  /** A function ARN from a name, a partial ARN (`123:function:f`) or a full ARN (kept as is). */
  functionArnFromText(text: string): string {
    if (text.startsWith('arn:')) return text;
    const partial = /^(\d{12}):function:(.+)$/.exec(text);
    if (partial)
      return arnOf.function({ ...this.scope, account: partial[1] as string }, partial[2] as string);
    return arnOf.function(this.scope, text);
  }

  getAtt(logicalId: string, attribute: string, path: Path): unknown {
    const resource = this.input.resources.get(logicalId);
    if (!resource) {
      this.input.note(path, `Fn::GetAtt of '${logicalId}', which the template does not declare`);
      return `\${${logicalId}.${attribute}}`;
    }
    const kind = resourceTypeInfo(resource.type)?.attributes[attribute];
    if (kind) return this.valueOfKind(logicalId, kind);
    if (resource.type === 'AWS::Kinesis::StreamConsumer' && attribute === 'ConsumerARN') {
      // Consumer ARNs are `<stream ARN>/consumer/<name>:<creation timestamp>`.
      const stream = asText(this.property(logicalId, 'StreamARN')) ?? `\${${logicalId}.StreamARN}`;
      const name = asText(this.property(logicalId, 'ConsumerName')) ?? logicalId;
      return `${stream}/consumer/${name}:*`;
    }
    if (resource.type === 'AWS::Lambda::Url' && attribute === 'FunctionArn') {
      const target = asText(this.property(logicalId, 'TargetFunctionArn'));
      if (target) return this.functionArnFromText(target);
    }
    return `\${${logicalId}.${attribute}}`;
  }

  private pseudo(name: string): unknown {
    const { scope, params } = this.input;
    switch (name) {
      case 'AWS::AccountId':
        return scope.account;
      case 'AWS::Region':
        return scope.region;
      case 'AWS::Partition':
        return scope.partition;
      case 'AWS::URLSuffix':
        return scope.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::StackName':
        return params[name] ?? this.input.stack ?? `\${${name}}`;
      case 'AWS::StackId':
        return (
          params[name] ??
          (this.input.stack !== undefined
            ? `arn:${scope.partition}:cloudformation:${scope.region}:${scope.account}:stack/${this.input.stack}/*`
            : `\${${name}}`)
        );
      default:
        return params[name] ?? `\${${name}}`;
    }
  }

  private parameter(name: string): unknown {
    const declaration = this.input.parameters[name];
    const type = isRecord(declaration) && typeof declaration.Type === 'string' ? declaration.Type : 'String';
    const given = this.input.params[name];
    // SSM-backed parameters hold a parameter *name* as default; the value is only known at deployment.
    const fallback =
      isRecord(declaration) && !type.startsWith('AWS::SSM::Parameter::Value')
        ? asText(declaration.Default)
        : undefined;
    const value = given ?? fallback;
    if (value === undefined && !type.startsWith('AWS::SSM::Parameter::Value')) {
      this.input.unresolved?.(
        `parameter '${name}' has no Default; names built from it keep '\${${name}}' (give it with --param ${name}=VALUE)`,
      );
    } else if (value === undefined) {
      const source = isRecord(declaration) ? asText(declaration.Default) : undefined;
      this.input.unresolved?.(
        `parameter '${name}' takes its value from SSM parameter ${source ? `'${source}'` : '(named at deployment)'}, ` +
          `which is only known at deployment; give it with --param ${name}=VALUE`,
      );
    }
    const isList = type === 'CommaDelimitedList' || type.startsWith('List<') || type.includes('<List<');
    if (value === undefined) return isList ? [`\${${name}}`] : `\${${name}}`;
    return isList ? value.split(',').map((item) => item.trim()) : value;
  }

  /** true / false, or undefined when the condition depends on values unknown before deployment. */
  condition(name: string, path: Path): boolean | undefined {
    if (this.conditionCache.has(name)) return this.conditionCache.get(name);
    if (this.evaluatingConditions.has(name)) return undefined;
    const definition = this.input.conditions[name];
    if (definition === undefined) {
      this.input.note(path, `condition '${name}' is not declared in Conditions`);
      return undefined;
    }
    this.evaluatingConditions.add(name);
    let result: boolean | undefined;
    try {
      result = this.evalCondition(definition, ['Conditions', name], 0);
    } finally {
      this.evaluatingConditions.delete(name);
    }
    this.conditionCache.set(name, result);
    return result;
  }

  /** A condition used to choose (Fn::If, a resource's Condition): undecidable ones count as true, with a note. */
  decide(name: string, path: Path): boolean {
    const result = this.condition(name, path);
    if (result === undefined) {
      this.input.note(
        path,
        `condition '${name}' depends on values unknown before deployment; taken as true`,
        'info',
      );
      return true;
    }
    return result;
  }

  private evalCondition(expr: unknown, path: Path, depth: number): boolean | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (typeof expr === 'boolean') return expr;
    if (typeof expr === 'string') return expr === 'true' ? true : expr === 'false' ? false : undefined;
    if (!isRecord(expr)) return undefined;
    if (typeof expr.Condition === 'string' && Object.keys(expr).length === 1) {
      return this.condition(expr.Condition, path);
    }
    const fn = intrinsicName(expr);
    const args = fn ? expr[fn] : undefined;
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Fn::Equals': {
        const [a, b] = list.map((v, i) => this.resolve(v, [...path, fn, i]));
        const left = typeof a === 'object' ? JSON.stringify(a) : asText(a);
        const right = typeof b === 'object' ? JSON.stringify(b) : asText(b);
        if (left === undefined || right === undefined || isSymbolic(left) || isSymbolic(right))
          return undefined;
        return left === right;
      }
      case 'Fn::Not': {
        const inner = this.evalCondition(list[0], [...path, fn, 0], depth + 1);
        return inner === undefined ? undefined : !inner;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const results = list.map((c, i) => this.evalCondition(c, [...path, fn, i], depth + 1));
        const decisive = fn === 'Fn::And' ? false : true;
        if (results.includes(decisive)) return decisive;
        return results.includes(undefined) ? undefined : !decisive;
      }
      default: {
        const value = this.resolve(expr, path);
        return typeof value === 'boolean'
          ? value
          : value === 'true'
            ? true
            : value === 'false'
              ? false
              : undefined;
      }
    }
  }

  private eval(value: unknown, path: Path, depth: number): unknown {
    if (depth > MAX_DEPTH) {
      this.input.note(path, 'intrinsic functions nested too deeply to evaluate');
      return '${Unresolved}';
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, i) => {
        const v = this.eval(item, [...path, i], depth + 1);
        if (v !== NO_VALUE) out.push(v);
      });
      return out;
    }
    if (typeof value === 'string' && value.includes('{{resolve:')) this.dynamicReferences(value);
    if (!isRecord(value)) return value;
    const fn = intrinsicName(value);
    if (fn) return this.evalIntrinsic(fn, value[fn], [...path, fn], depth + 1);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const v = this.eval(item, [...path, key], depth + 1);
      if (v !== NO_VALUE) out[key] = v;
    }
    return out;
  }

  private evalText(value: unknown, path: Path, depth: number): string {
    const v = this.eval(value, path, depth);
    const text = asText(v);
    if (text !== undefined) return text;
    if (Array.isArray(v)) return v.map((item) => asText(item) ?? '${Unresolved}').join(',');
    return '${Unresolved}';
  }

  private evalIntrinsic(fn: string, args: unknown, path: Path, depth: number): unknown {
    const list = Array.isArray(args) ? args : undefined;
    switch (fn) {
      case 'Ref':
        return this.ref(this.evalText(args, path, depth), path);
      case 'Fn::GetAtt': {
        const parts =
          list ?? (typeof args === 'string' ? [args.split('.')[0], args.split('.').slice(1).join('.')] : []);
        const logicalId = this.evalText(parts[0], [...path, 0], depth);
        const attribute = this.evalText(parts[1], [...path, 1], depth);
        return this.getAtt(logicalId, attribute, path);
      }
      case 'Fn::Sub':
        return this.sub(args, path, depth);
      case 'Fn::Join': {
        const separator = asText(this.eval(list?.[0], [...path, 0], depth)) ?? '';
        const items = this.eval(list?.[1], [...path, 1], depth);
        if (!Array.isArray(items)) return this.unresolved(path, 'Fn::Join needs a list');
        return items.map((item) => asText(item) ?? '${Unresolved}').join(separator);
      }
      case 'Fn::Select': {
        const index = Number(asText(this.eval(list?.[0], [...path, 0], depth)));
        const items = this.eval(list?.[1], [...path, 1], depth);
        if (!Array.isArray(items) || !Number.isInteger(index))
          return this.unresolved(path, 'Fn::Select needs an index and a list');
        return index >= 0 && index < items.length ? items[index] : `\${Select:${index}}`;
      }
      case 'Fn::Split': {
        const separator = asText(this.eval(list?.[0], [...path, 0], depth));
        const text = asText(this.eval(list?.[1], [...path, 1], depth));
        if (separator === undefined || text === undefined)
          return this.unresolved(path, 'Fn::Split needs a delimiter and a string');
        return separator === '' ? [text] : text.split(separator);
      }
      case 'Fn::If': {
        const name = asText(list?.[0]);
        if (name === undefined || !list || list.length < 3)
          return this.unresolved(path, 'Fn::If needs a condition and two values');
        return this.decide(name, path)
          ? this.eval(list[1], [...path, 1], depth)
          : this.eval(list[2], [...path, 2], depth);
      }
      case 'Fn::FindInMap':
        return this.findInMap(list, path, depth);
      case 'Fn::GetAZs': {
        const region = asText(this.eval(args, path, depth)) || this.scope.region;
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::ImportValue':
        return this.importValue(this.evalText(args, path, depth));
      case 'Fn::Base64':
        return this.eval(args, path, depth);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.eval(args, path, depth));
      case 'Fn::Length': {
        const items = this.eval(args, path, depth);
        return Array.isArray(items) ? items.length : this.unresolved(path, 'Fn::Length needs a list');
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or': {
        const result = this.evalCondition({ [fn]: args }, path, depth);
        return result === undefined ? '${Condition}' : result;
      }
      default:
        // Fn::Cidr, Fn::Transform (macros, AWS::Include): only known at deployment.
        return `\${${fn.replace(/^Fn::/, '')}}`;
    }
  }

  /** `{{resolve:ssm:...}}` and the like are read by CloudFormation at deployment; ares cannot know them. */
  private dynamicReferences(text: string): void {
    for (const match of text.matchAll(/\{\{resolve:([^}]*)\}\}/g)) {
      this.input.unresolved?.(
        `dynamic reference '{{resolve:${match[1]}}}' is only known at deployment; what uses it is left out`,
      );
    }
  }

  /** An export of another template of the scan, or a marker that names the import (and a notice). */
  private importValue(name: string): unknown {
    const exported = this.input.exports?.get(name);
    if (exported !== undefined) return exported;
    this.input.unresolved?.(
      `Fn::ImportValue '${name}' names no export of the templates scanned, so what uses it is left out; scan the stack that exports it with this one`,
    );
    // Inner `${...}` (an unresolved Sub) would nest braces; the marker keeps one level.
    return `\${ImportValue:${name.replace(/\$\{([^}]*)\}/g, '$1')}}`;
  }

  private unresolved(path: Path, message: string): string {
    this.input.note(path, message);
    return '${Unresolved}';
  }

  private findInMap(list: unknown[] | undefined, path: Path, depth: number): unknown {
    if (!list || list.length < 3) return this.unresolved(path, 'Fn::FindInMap needs a map name and two keys');
    const [mapName, top, second] = [0, 1, 2].map((i) => asText(this.eval(list[i], [...path, i], depth)));
    const fallbackOption = list[3];
    const map = mapName === undefined ? undefined : this.input.mappings[mapName];
    const level = isRecord(map) && top !== undefined ? map[top] : undefined;
    const value = isRecord(level) && second !== undefined ? level[second] : undefined;
    if (value !== undefined) return this.eval(value, [...path, 'value'], depth);
    if (isRecord(fallbackOption) && 'DefaultValue' in fallbackOption) {
      return this.eval(fallbackOption.DefaultValue, [...path, 3], depth);
    }
    if ([mapName, top, second].some((k) => k === undefined || isSymbolic(k)))
      return `\${FindInMap:${mapName}}`;
    this.input.note(path, `Fn::FindInMap: no '${top}.${second}' in mapping '${mapName}'`);
    return `\${FindInMap:${mapName}.${top}.${second}}`;
  }

  private sub(args: unknown, path: Path, depth: number): unknown {
    const list = Array.isArray(args) ? args : undefined;
    const template = asText(list ? list[0] : args);
    if (template === undefined) return this.unresolved(path, 'Fn::Sub needs a string');
    const rawVariables = list && isRecord(list[1]) ? list[1] : {};
    const variables = new Map<string, unknown>();
    const variableValue = (name: string): unknown => {
      if (!variables.has(name)) variables.set(name, this.eval(rawVariables[name], [...path, 1, name], depth));
      return variables.get(name);
    };
    return template.replace(/\$\{([^}]*)\}/g, (whole, body: string) => {
      if (body.startsWith('!')) return `\${${body.slice(1)}}`;
      const name = body.trim();
      let value: unknown;
      if (Object.prototype.hasOwnProperty.call(rawVariables, name)) value = variableValue(name);
      else if (name.startsWith('AWS::') || !name.includes('.')) value = this.ref(name, path);
      else {
        const dot = name.indexOf('.');
        value = this.getAtt(name.slice(0, dot), name.slice(dot + 1), path);
      }
      if (value === NO_VALUE) return '';
      const text = asText(value);
      if (text !== undefined) return text;
      if (Array.isArray(value)) return value.map((v) => asText(v) ?? '').join(',');
      return whole;
    });
  }
}
