/**
 * Items keyed by a literal prefix (the text of a pattern before its first wildcard), found by another prefix:
 * two patterns can share a string only when one's literal prefix starts with the other's. Keeps the matching
 * of policy patterns against generated names (`stack-Table-*`) to the few that can meet.
 */
export class PrefixIndex<T> {
  private readonly byPrefix = new Map<string, T[]>();
  private sorted: string[] | undefined;

  add(prefix: string, item: T): void {
    const list = this.byPrefix.get(prefix);
    if (list) list.push(item);
    else this.byPrefix.set(prefix, [item]);
    this.sorted = undefined;
  }

  get size(): number {
    return this.byPrefix.size;
  }

  /** Items whose prefix starts with `prefix`, or is itself a prefix of `prefix`. */
  compatible(prefix: string): T[] {
    const out: T[] = [];
    for (let end = 0; end < prefix.length; end++)
      out.push(...(this.byPrefix.get(prefix.slice(0, end)) ?? []));
    const sorted = (this.sorted ??= [...this.byPrefix.keys()].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++)
      out.push(...(this.byPrefix.get(sorted[i] as string) ?? []));
    return out;
  }
}

/** The text before the first `*`, `?` or `${` of a pattern. */
export function literalPrefix(text: string): string {
  const cut = text.search(/[*?]|\$\{/);
  return cut < 0 ? text : text.slice(0, cut);
}
