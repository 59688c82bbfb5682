/** Paths inside a template (`Resources.Fn.Properties.Policies[0]`), as arrays and as the string people read. */

export type Path = readonly (string | number)[];

/** `['Resources', 'Fn', 'Properties', 'Policies', 0]` → `Resources.Fn.Properties.Policies[0]`. */
export function pathKey(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}
