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

/** `Resources.Fn.Properties.Role (line 12)`: the path, with the line of it or of its nearest ancestor. */
export function locationOf(path: Path, lines: ReadonlyMap<string, number>): string {
  for (let end = path.length; end > 0; end--) {
    const line = lines.get(pathKey(path.slice(0, end)));
    if (line !== undefined) return `${pathKey(path)} (line ${line})`;
  }
  return pathKey(path);
}
