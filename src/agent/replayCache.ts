/**
 * Replay detection: the nonces of the caller contexts that started this function, kept until they expire and at
 * most `capacity` of them (oldest dropped first). A nonce seen before, by another invocation, is a replay. Records
 * of one batch may share a token (one upstream invocation sent several messages), so the same invocation may
 * present a nonce more than once.
 */
export class ReplayCache {
  /** nonce → [expiry (s), invocation number]; a Map iterates in insertion order, oldest first. */
  private readonly seen = new Map<string, { exp: number; invocation: number }>();

  constructor(private readonly capacity = 10_000) {}

  /** Records the nonce for `invocation`; false when another invocation already presented it (a replay). */
  admit(nonce: string, exp: number, invocation: number, nowSeconds: number): boolean {
    if (this.capacity <= 0) return true;
    const prior = this.seen.get(nonce);
    if (prior !== undefined && prior.exp >= nowSeconds) return prior.invocation === invocation;
    if (prior !== undefined) this.seen.delete(nonce);
    this.evict(nowSeconds);
    this.seen.set(nonce, { exp, invocation });
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(nowSeconds: number): void {
    for (const [nonce, entry] of this.seen) {
      if (this.seen.size < this.capacity && entry.exp >= nowSeconds) break;
      this.seen.delete(nonce);
    }
  }
}
