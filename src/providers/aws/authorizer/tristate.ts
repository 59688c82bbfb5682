/**
 * Three-valued (Kleene) logic: a statement matches, does not, or may match depending on context keys the request
 * does not carry. Numbers, not objects, because this runs on every statement of every evaluation.
 */
export const NO = 0;
export const YES = 1;
export const MAYBE = 2;
export type Tri = typeof NO | typeof YES | typeof MAYBE;

export function or3(a: Tri, b: Tri): Tri {
  if (a === YES || b === YES) return YES;
  return a === MAYBE || b === MAYBE ? MAYBE : NO;
}

export function and3(a: Tri, b: Tri): Tri {
  if (a === NO || b === NO) return NO;
  return a === MAYBE || b === MAYBE ? MAYBE : YES;
}

export function not3(a: Tri): Tri {
  return a === MAYBE ? MAYBE : a === YES ? NO : YES;
}
