/**
 * Bounded intern tables for compiled matchers. A matcher is a pure function of its source text, and estates repeat
 * the same action, resource and condition patterns across thousands of policies: compiling each text once saves the
 * compile, and sharing one matcher keeps the objects an evaluation touches few and warm in the CPU caches.
 */
export class InternTable<V> {
  private readonly map = new Map<string, V>();

  /** `limit` bounds memory in a long-running process; compiled policies keep the matchers they already hold. */
  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): V {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}

const singletons = new WeakMap<object, unknown[]>();

/** A one-element list of an interned item, shared like the item itself: most statements list one resource or clause. */
export function singletonList<T extends object>(item: T): T[] {
  let list = singletons.get(item) as T[] | undefined;
  if (!list) {
    list = [item];
    singletons.set(item, list);
  }
  return list;
}
