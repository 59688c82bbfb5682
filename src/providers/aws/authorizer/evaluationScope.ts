/** Per-evaluation state: the prepared request, and the context keys found unknown while matching a statement. */
import { contextValues, type PreparedRequest } from './requestContext.js';

export class EvaluationScope {
  /** Keys found unknown since the last `takeMissing()`; null when none, to avoid allocating. */
  private missing: string[] | null = null;

  constructor(public request: PreparedRequest) {}

  /** Reuses this scope for another request: evaluation is synchronous, so one scope serves every call. */
  reset(request: PreparedRequest): this {
    this.request = request;
    this.missing = null;
    return this;
  }

  /** The values of a context key: an array, `null` when absent, `undefined` when unknown (recorded). */
  values(key: string): string[] | null | undefined {
    const values = contextValues(this.request).get(key);
    if (values !== undefined) return values;
    const derived = this.request.derived.get(key);
    if (derived !== undefined) return derived;
    if (!this.request.openWorld) return null;
    (this.missing ??= []).push(key);
    return undefined;
  }

  /** A single-valued key as a policy variable: multivalued keys cannot be variables, so they resolve to nothing. */
  readonly variable = (key: string): string | undefined => {
    const values = this.values(key);
    return values && values.length === 1 ? values[0] : undefined;
  };

  /** Something other than a context key that the answer depends on (a name generated at deployment). */
  noteUnknown(what: string): void {
    (this.missing ??= []).push(what);
  }

  /** How many unknown keys were met so far; a rise after a lookup means that lookup met an unknown key. */
  missingCount(): number {
    return this.missing === null ? 0 : this.missing.length;
  }

  takeMissing(): string[] | null {
    const keys = this.missing;
    this.missing = null;
    return keys;
  }
}
