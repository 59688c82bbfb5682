/**
 * A bounded map that forgets the least recently used entry when full: every cache the server keeps for answers
 * (the reasoning orchestrator's decisions, the A2A path) is one of these, so a client that asks about endless
 * distinct functions or principals cannot grow the server's memory.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  private evictedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`an LRU cache needs a capacity of 1 or more (got ${capacity})`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** How many entries were dropped to stay within capacity. */
  get evicted(): number {
    return this.evictedCount;
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    // A Map iterates in insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
      this.evictedCount += 1;
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
