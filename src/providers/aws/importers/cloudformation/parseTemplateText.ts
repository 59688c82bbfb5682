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

/** Parses YAML or JSON text; throws TemplateParseError when the text is not valid YAML/JSON. */
export function parseTemplateText(file: string, text: string): ParsedText {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    // Some JSON that YAML rejects (e.g. tabs before keys) is still JSON; accept it without line numbers.
    try {
      return { value: JSON.parse(text) as unknown, lines: new Map() };
    } catch {
      const line = first.linePos?.[0]?.line;
      throw new TemplateParseError(file, first.message.split('\n')[0] ?? 'not valid YAML or JSON', line);
    }
  }
  const converter = new Converter(doc, text, counter, file);
  const value = converter.convert(doc.contents, [], 0, true);
  return { value, lines: converter.lines };
}
