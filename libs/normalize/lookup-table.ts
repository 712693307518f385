/**
 * A prototype-free copy of a lookup table. Tables here are indexed by untrusted strings, and a
 * plain object literal would answer "constructor" or "__proto__" with Object's own members.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
