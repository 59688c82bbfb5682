/**
 * Reads template text (YAML or JSON) into plain values, with CloudFormation short-form tags (`!Ref`, `!Sub`, ...)
 * turned into their long form (`{ Ref: ... }`) and the line of every key and list item, for error locations.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { TemplateParseError } from './errors.js';
import { pathKey, type Path } from './path.js';

export interface ParsedText {
  value: unknown;
  /** pathKey → 1-based line of the key or list item. */
  lines: Map<string, number>;
}

/** Short-form tag → the long-form key it stands for. */
const SHORT_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

const MAX_DEPTH = 256;
const MAX_ALIAS_EXPANSIONS = 10_000;

class Converter {
  private aliases = 0;
  readonly lines = new Map<string, number>();

  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly counter: LineCounter,
    private readonly file: string,
  ) {}

  private lineAt(offset: number | undefined): number | undefined {
    return offset === undefined ? undefined : this.counter.linePos(offset).line;
  }

  private record(path: Path, offset: number | undefined, recordLines: boolean): void {
    if (!recordLines) return;
    const line = this.lineAt(offset);
    if (line !== undefined) this.lines.set(pathKey(path), line);
  }

  convert(node: unknown, path: Path, depth: number, recordLines: boolean): unknown {
    if (depth > MAX_DEPTH) throw new TemplateParseError(this.file, `nesting deeper than ${MAX_DEPTH} levels`);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      if (++this.aliases > MAX_ALIAS_EXPANSIONS) {
        throw new TemplateParseError(this.file, `more than ${MAX_ALIAS_EXPANSIONS} alias expansions`);
      }
      const target = node.resolve(this.doc);
      return this.convert(target, path, depth + 1, false);
    }
    const value = this.convertUntagged(node as YamlNode, path, depth, recordLines);
    const tag = (node as YamlNode).tag;
    const longForm = tag ? SHORT_TAGS[tag] : undefined;
    if (!longForm) return value;
    if (longForm === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { [longForm]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [longForm]: value };
  }

  private convertUntagged(node: YamlNode, path: Path, depth: number, recordLines: boolean): unknown {
    if (isScalar(node)) {
      const value = node.value;
      if (typeof value === 'number' && node.range) {
        // Keep digits as written where a number would lose them (account ids with a leading zero).
        const source = this.text.slice(node.range[0], node.range[1]).trim();
        if (/^0\d+$/.test(source) || (Number.isInteger(value) && !Number.isSafeInteger(value))) return source;
      }
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Date) return value.toISOString();
      return value;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const itemPath = [...path, i];
        this.record(itemPath, (item as YamlNode | null)?.range?.[0], recordLines);
        return this.convert(item, itemPath, depth + 1, recordLines);
      });
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const rawKey = isScalar(keyNode) ? keyNode.value : this.convert(keyNode, path, depth + 1, false);
        const key = typeof rawKey === 'string' ? rawKey : (JSON.stringify(rawKey) ?? String(rawKey));
        if (key === '<<' && !(isScalar(keyNode) && keyNode.type !== 'PLAIN')) {
          merges.push(this.convert(pair.value, path, depth + 1, false));
          continue;
        }
        const childPath = [...path, key];
        this.record(childPath, keyNode?.range?.[0], recordLines);
        out[key] = this.convert(pair.value, childPath, depth + 1, recordLines);
      }
      // YAML merge keys: explicit keys win over merged ones, earlier merges over later ones.
      for (const merged of merges) {
        for (const source of Array.isArray(merged) ? merged : [merged]) {
          if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
          for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
            if (!(k in out)) out[k] = v;
          }
        }
      }
      return out;
    }
    return null;
  }
}

/** Whether a `[` or `{` at `index` opens a flow collection (it starts a value), rather than sitting in a plain scalar. */
function opensFlow(line: string, index: number): boolean {
  return (
    /(^|:|-|\?|!\S+)\s*$/.test(line.slice(0, index)) && (index === 0 || /\s/.test(line[index - 1] as string))
  );
}

/**
 * Templates CloudFormation accepts (its YAML reader is lenient) sometimes continue a flow collection
 * (`[ ... ]`, `{ ... }`) or a multi-line quoted string at or left of the key that opened it, which YAML 1.2
 * rejects. Indenting those lines deeper changes nothing else: indentation means nothing inside a flow
 * collection, and a quoted string folds leading spaces away. Lines keep their numbers.
 */
function relaxFlowIndentation(text: string): string | undefined {
  const lines = text.split('\n');
  let depth = 0;
  let openerIndent = 0;
  let quote: string | undefined;
  let changed = false;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n] as string;
    if ((depth > 0 || quote) && line.trim() !== '') {
      const indent = line.length - line.trimStart().length;
      if (indent <= openerIndent) {
        line = ' '.repeat(openerIndent + 1 - indent) + line;
        lines[n] = line;
        changed = true;
      }
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string;
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) break;
      if (depth > 0) {
        if (c === '"' || c === "'") quote = c;
        else if (c === '[' || c === '{') depth++;
        else if (c === ']' || c === '}') depth--;
      } else if ((c === '[' || c === '{' || c === '"' || c === "'") && opensFlow(line, i)) {
        if (c === '"' || c === "'") quote = c;
        else depth = 1;
        openerIndent = line.length - line.trimStart().length;
      }
    }
  }
  return changed ? lines.join('\n') : undefined;
}

function parseStrict(text: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, prettyErrors: false });
  return { doc, counter };
}

/** Parses YAML or JSON text; throws TemplateParseError when the text is not valid YAML/JSON. */
export function parseTemplateText(file: string, text: string): ParsedText {
  let { doc, counter } = parseStrict(text);
  let source = text;
  const first = doc.errors[0];
  if (first) {
    // Some JSON that YAML rejects (e.g. tabs before keys) is still JSON; accept it without line numbers.
    try {
      return { value: JSON.parse(text) as unknown, lines: new Map() };
    } catch {
      // not JSON either
    }
    const relaxed = relaxFlowIndentation(text);
    const retry = relaxed === undefined ? undefined : parseStrict(relaxed);
    if (!retry || retry.doc.errors.length > 0) {
      const line = counter.linePos(first.pos[0]).line;
      throw new TemplateParseError(file, first.message.split('\n')[0] ?? 'not valid YAML or JSON', line);
    }
    ({ doc, counter } = retry);
    source = relaxed as string;
  }
  const converter = new Converter(doc, source, counter, file);
  const value = converter.convert(doc.contents, [], 0, true);
  return { value, lines: converter.lines };
}
