/**
 * Whether a statement's Action / NotAction element names a request's action. The test depends only on the
 * patterns, so statements that write the same list share one test, and each test remembers its answer per action:
 * an estate asks the same few hundred actions of the same action lists again and again.
 */
import { InternTable } from './intern.js';
import { globMatcher, type StringMatcher } from './pattern.js';
import type { InternedAction } from './requestContext.js';

/** How many answers one test remembers before it starts over (bounds memory in a long-running process). */
const MEMO_LIMIT = 4096;

export class ActionTest {
  private readonly memo = new Map<string, boolean>();

  private constructor(
    /** Per literal service, the matchers of the action names it lists; undefined: match the full action. */
    private readonly byService: ReadonlyMap<string, readonly StringMatcher[]> | undefined,
    /** Matchers of the full lower-cased `service:action` patterns (shared: never mutate). */
    readonly full: StringMatcher[],
    private readonly negate: boolean,
    /** For an Action element of one pattern with a literal service: that service and its name matcher. */
    private readonly onlyService: string | undefined,
    private readonly onlyName: StringMatcher | undefined,
  ) {}

  /**
   * `lowerPatterns` are the element's patterns, lower-cased. An Action list whose services are all literal is
   * matched per service on the action name (as the per-service index always did); a list with a wildcard service,
   * and every NotAction list, on the full action.
   */
  static compile(lowerPatterns: readonly string[], negate: boolean): ActionTest {
    const full = lowerPatterns.map(globMatcher);
    if (negate) return new ActionTest(undefined, full, true, undefined, undefined);
    const byService = new Map<string, StringMatcher[]>();
    for (const pattern of lowerPatterns) {
      const colon = pattern.indexOf(':');
      const service = colon < 0 ? '*' : pattern.slice(0, colon);
      if (service.includes('*') || service.includes('?'))
        return new ActionTest(undefined, full, false, undefined, undefined);
      const names = byService.get(service) ?? [];
      names.push(globMatcher(pattern.slice(colon + 1)));
      byService.set(service, names);
    }
    // One pattern (the common case) is cheaper to match than to look up in a memo.
    if (lowerPatterns.length === 1) {
      const [[service, [name]]] = [...byService] as [[string, [StringMatcher]]];
      return new ActionTest(byService, full, false, service, name);
    }
    return new ActionTest(byService, full, false, undefined, undefined);
  }

  covers(action: InternedAction): boolean {
    if (this.onlyName !== undefined) return action.service === this.onlyService && this.onlyName(action.name);
    const known = this.memo.get(action.full);
    if (known !== undefined) return known;
    const answer = this.decide(action);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(action.full, answer);
    return answer;
  }

  private decide(action: InternedAction): boolean {
    if (this.byService) {
      const names = this.byService.get(action.service);
      return names !== undefined && anyMatches(names, action.name);
    }
    return anyMatches(this.full, action.full) !== this.negate;
  }
}

function anyMatches(matchers: readonly StringMatcher[], value: string): boolean {
  for (const m of matchers) if (m(value)) return true;
  return false;
}

// One table per element kind; a single pattern (the common case) is its own key, a list goes by its JSON.
const singles = [new InternTable<ActionTest>(50_000), new InternTable<ActionTest>(50_000)];
const lists = [new InternTable<ActionTest>(50_000), new InternTable<ActionTest>(50_000)];

/** The shared test for an Action (or, `negate`, NotAction) element with these lower-cased patterns. */
export function actionTest(lowerPatterns: readonly string[], negate: boolean): ActionTest {
  const one = lowerPatterns.length === 1;
  const table = (one ? singles : lists)[negate ? 1 : 0] as InternTable<ActionTest>;
  const key = one ? (lowerPatterns[0] as string) : JSON.stringify(lowerPatterns);
  return table.get(key) ?? table.set(key, ActionTest.compile(lowerPatterns, negate));
}
