/**
 * Lambda event source mapping filter criteria, as every input writes them (`{ Filters: [{ Pattern }] }` in
 * CloudFormation, SAM and CLI exports; `filter_criteria[].filter[].pattern` in Terraform): the patterns as JSON text.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** A pattern given as an object (YAML written without quoting) is the same pattern as its JSON text. */
function patternText(pattern: unknown): string | undefined {
  if (typeof pattern === 'string') return pattern;
  return isRecord(pattern) ? JSON.stringify(pattern) : undefined;
}

/** The filter patterns of `FilterCriteria` / `filter_criteria`; undefined when there are none (no filtering). */
export function filterPatternsOf(criteria: unknown): string[] | undefined {
  const patterns: string[] = [];
  for (const block of asList(criteria)) {
    if (!isRecord(block)) continue;
    for (const filter of asList(block.Filters ?? block.filter)) {
      if (!isRecord(filter)) continue;
      const text = patternText(filter.Pattern ?? filter.pattern);
      if (text !== undefined) patterns.push(text);
    }
  }
  return patterns.length > 0 ? patterns : undefined;
}
