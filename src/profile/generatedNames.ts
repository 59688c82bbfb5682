/**
 * Ids and names that stand for names CloudFormation generates at deployment (`stack-Fn-*`, see the AWS importer)
 * meet the concrete names seen at run time (`stack-Fn-1A2B3C4D5E6F`) here: a table key with `*` matches a name
 * whose generated part holds no `/` or `:`. Only an unambiguous match (one id) counts.
 */
const compiled = new WeakMap<Record<string, string>, { pattern: RegExp; id: string }[]>();

function patternsOf(table: Record<string, string>): { pattern: RegExp; id: string }[] {
  let list = compiled.get(table);
  if (!list) {
    list = [];
    for (const [key, id] of Object.entries(table)) {
      if (!key.includes('*')) continue;
      const source = key
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('[^/:]+');
      list.push({ pattern: new RegExp(`^${source}$`), id });
    }
    compiled.set(table, list);
  }
  return list;
}

/** The id whose generated-name key matches `name`, when exactly one id does. */
export function lookupGeneratedName(table: Record<string, string>, name: string): string | undefined {
  const ids = new Set<string>();
  for (const { pattern, id } of patternsOf(table)) if (pattern.test(name)) ids.add(id);
  return ids.size === 1 ? [...ids][0] : undefined;
}
