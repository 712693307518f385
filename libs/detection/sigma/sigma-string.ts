// Sigma string values as segment lists: literal text, `*`, `?`, a one-of character set (from
// `windash`) and `%placeholder%` (only with `expand`). Escapes follow the rules spec: `\*`, `\?`
// and `\\` are literal; a backslash before anything else is itself literal.

export type Segment =
  | { t: 'lit'; s: string }
  | { t: 'star' }
  | { t: 'one' }
  | { t: 'set'; chars: string }
  | { t: 'ph'; name: string };

function pushLiteral(segs: Segment[], s: string): void {
  if (s === '') return;
  const last = segs[segs.length - 1];
  if (last && last.t === 'lit') segs[segs.length - 1] = { t: 'lit', s: last.s + s };
  else segs.push({ t: 'lit', s });
}

export function normalizeSegments(input: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const seg of input) {
    if (seg.t === 'lit') pushLiteral(out, seg.s);
    else if (seg.t === 'star' && out.length > 0 && out[out.length - 1].t === 'star') continue;
    else out.push(seg);
  }
  return out;
}

/**
 * Parses a Sigma string. With `placeholders` true, `%name%` becomes a placeholder segment and
 * `\%` a literal percent sign (rules spec, Placeholders).
 */
export function parseSigmaString(value: string, placeholders: boolean): Segment[] {
  const segs: Segment[] = [];
  let lit = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\' || (placeholders && next === '%')) {
        lit += next;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*' || c === '?') {
      pushLiteral(segs, lit);
      lit = '';
      segs.push(c === '*' ? { t: 'star' } : { t: 'one' });
    } else if (placeholders && c === '%') {
      const end = value.indexOf('%', i + 1);
      const name = end > i + 1 ? value.slice(i + 1, end) : '';
      if (end > i + 1 && /^[A-Za-z0-9_.-]+$/.test(name)) {
        pushLiteral(segs, lit);
        lit = '';
        segs.push({ t: 'ph', name });
        i = end;
      } else {
        lit += c;
      }
    } else {
      lit += c;
    }
  }
  pushLiteral(segs, lit);
  return normalizeSegments(segs);
}

export function hasWildcards(segs: Segment[]): boolean {
  return segs.some((s) => s.t !== 'lit');
}

export function literalOf(segs: Segment[]): string {
  return segs.map((s) => (s.t === 'lit' ? s.s : '')).join('');
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

export function escapeRegex(s: string): string {
  return s.replace(REGEX_SPECIAL, '\\$&');
}

/** Anchored regex source for a segment list (placeholders must already be expanded). */
export function segmentsToRegexSource(segs: Segment[]): string {
  let src = '^';
  for (const seg of segs) {
    if (seg.t === 'lit') src += escapeRegex(seg.s);
    else if (seg.t === 'star') src += '[\\s\\S]*';
    else if (seg.t === 'one') src += '[\\s\\S]';
    else if (seg.t === 'set') src += '[' + seg.chars.split('').map(escapeRegex).join('') + ']';
    else throw new Error(`unexpanded placeholder %${seg.name}%`);
  }
  return src + '$';
}

/**
 * Straightforward backtracking matcher over segments, used by the naive interpreter (the
 * compiled path builds startsWith/endsWith/includes/RegExp tests instead).
 */
export function matchSegments(segs: Segment[], text: string, si = 0, ti = 0): boolean {
  while (si < segs.length) {
    const seg = segs[si];
    if (seg.t === 'lit') {
      if (!text.startsWith(seg.s, ti)) return false;
      ti += seg.s.length;
      si++;
    } else if (seg.t === 'one') {
      if (ti >= text.length) return false;
      ti++;
      si++;
    } else if (seg.t === 'set') {
      if (ti >= text.length || !seg.chars.includes(text[ti])) return false;
      ti++;
      si++;
    } else if (seg.t === 'star') {
      if (si === segs.length - 1) return true;
      for (let k = ti; k <= text.length; k++) if (matchSegments(segs, text, si + 1, k)) return true;
      return false;
    } else {
      return false;
    }
  }
  return ti === text.length;
}

export function lowerSegments(segs: Segment[]): Segment[] {
  return segs.map((s) =>
    s.t === 'lit' ? { t: 'lit', s: s.s.toLowerCase() } : s.t === 'set' ? { t: 'set', chars: s.chars.toLowerCase() } : s,
  );
}
