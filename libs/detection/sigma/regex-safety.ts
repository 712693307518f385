// Rules carry regular expressions written by SOC engineers and customers, and the detect worker
// runs them against attacker-controlled event fields: a pattern that backtracks catastrophically
// on some input would stall detection for every tenant. Two layers keep that from happening:
//
// 1. V8's linear-time engine takes over any regex that backtracks excessively (a V8 flag, set
//    once for the process by enableRegexBacktrackingFallback()). Same results, bounded time.
// 2. That engine cannot run lookarounds or backreferences, so a pattern with either is refused
//    when it also repeats a group that contains a quantifier or an alternation (the shapes that
//    backtrack exponentially): findUnsafeRegexShape().
import v8 from 'node:v8';

let fallbackEnabled = false;

/** Idempotent. Affects regular expressions compiled afterwards, in this process (or worker thread). */
export function enableRegexBacktrackingFallback(): void {
  if (fallbackEnabled) return;
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  fallbackEnabled = true;
}

/**
 * Why a JS regex source cannot be run safely, or null. Only patterns the linear engine cannot
 * take over (lookarounds, backreferences) are examined for repeated groups that hold a
 * quantifier or an alternation, e.g. `(a+)+`, `(a|ab)*`, `(?:\w+\s?)*` beside a `(?=…)`.
 */
export function findUnsafeRegexShape(source: string): string | null {
  const needsBacktracking = /\(\?<?[=!]|\\[1-9]|\\k</.test(source);
  if (!needsBacktracking) return null;
  // Per open group: whether its body so far holds a quantifier or a '|'.
  const groups: boolean[] = [];
  let lastGroupRisky = false; // the group that just closed, for a quantifier right after it
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    let quantifier = false;
    let closedRisky = false;
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      // A character class: skip to its closing bracket.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      groups.push(false);
      if (source[i + 1] === '?') i += source[i + 2] === '<' && (source[i + 3] === '=' || source[i + 3] === '!') ? 3 : 2;
    } else if (c === ')') {
      closedRisky = groups.pop() ?? false;
      // What a group holds, its enclosing group holds too.
      if (closedRisky) markRisky();
    } else if (c === '|') {
      markRisky();
    } else if (c === '*' || c === '+' || c === '{') {
      quantifier = c !== '{' || /^\{\d+(,\d*)?\}/.test(source.slice(i));
    } else if (c === '?') {
      // A quantifier, unless it makes the previous one lazy.
      const prev = source[i - 1];
      quantifier = !(prev === '*' || prev === '+' || prev === '?' || prev === '}');
    }
    if (quantifier) {
      if (lastGroupRisky) return 'a group holding a quantifier or an alternation is repeated, next to a lookaround or backreference: it can backtrack exponentially';
      markRisky();
    }
    lastGroupRisky = closedRisky;
  }
  return null;

  function markRisky(): void {
    if (groups.length) groups[groups.length - 1] = true;
  }
}
