/**
 * Parsing an input file's text: JSON, or YAML with CloudFormation's short-form tags (`!Ref x` → `{"Ref": "x"}`,
 * `!GetAtt a.b` → `{"Fn::GetAtt": ["a", "b"]}`), so importers only ever see the long form.
 */
import { parse, type ScalarTag, type CollectionTag } from 'yaml';

type Tag = ScalarTag | CollectionTag;

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Transform',
  'Length',
  'ToJsonString',
];

function intrinsicTags(name: string, key: string, fromScalar: (value: string) => unknown = (v) => v): Tag[] {
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: fromScalar(value) }) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [key]: seq.toJSON() }) },
    { tag: `!${name}`, collection: 'map', resolve: (map) => ({ [key]: map.toJSON() }) },
  ] as Tag[];
}

const CLOUDFORMATION_TAGS: Tag[] = [
  ...intrinsicTags('Ref', 'Ref'),
  ...intrinsicTags('Condition', 'Condition'),
  ...intrinsicTags('GetAtt', 'Fn::GetAtt', (value) => {
    const dot = value.indexOf('.');
    return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }),
  ...FUNCTIONS.flatMap((name) => intrinsicTags(name, `Fn::${name}`)),
];

export function isYamlFile(file: string): boolean {
  return /\.(ya?ml)$/i.test(file);
}

/** Parses JSON or YAML (by extension; `.template` and unknown extensions try JSON first). Throws with a position. */
export function parseInputText(file: string, text: string): unknown {
  const trimmed = text.trimStart();
  if (!isYamlFile(file) && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    return JSON.parse(text) as unknown;
  }
  return parse(text, {
    customTags: CLOUDFORMATION_TAGS,
    uniqueKeys: false,
    maxAliasCount: 1000,
    prettyErrors: true,
  });
}
