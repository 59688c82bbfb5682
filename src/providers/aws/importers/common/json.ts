/** Defensive reading of parsed JSON: exports may be hostile or broken, so every field is checked before use. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field as a non-empty string, or undefined. */
export function stringField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The field as an array; anything else (absent, null, an object) reads as empty. */
export function arrayField(record: JsonRecord, key: string): unknown[] {
  const value = record[key];
  return Array.isArray(value) ? value : [];
}

/** The non-empty strings of a list field; a single string reads as a one-element list. */
export function stringList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string' && item !== '');
}

/**
 * True when the value is an array that is empty or has an object with one of `keys`. Other elements may be broken:
 * the importer reports them, which beats not recognising the file.
 */
export function isRecordListWith(value: unknown, keys: readonly string[]): boolean {
  if (!Array.isArray(value)) return false;
  return value.length === 0 || value.some((item) => isRecord(item) && keys.some((key) => key in item));
}

/**
 * The subject an export does not name inside: the file's base name without `.json` (the issue contract),
 * e.g. `exports/buckets/uploads-bkt.json` → `uploads-bkt`.
 */
export function subjectFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}
