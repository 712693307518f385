// ATT&CK technique ids (T1190, T0855, T1059.001) found in records: bare ids, Sigma-style tags
// ("attack.t0855"), or ids inside a comma/space separated list. Tactic ids (TA0001) are not
// techniques and are left out.

const TECHNIQUE = /^(?:attack\.)?t(\d{4})(?:\.(\d{3}))?$/i;
/** A record naming more techniques than this is noise; the cap also bounds the de-duplication work. */
export const MAX_ATTACK_IDS = 64;
const LIST_SEPARATORS = /[\s,;|]+/;

/** The upper-cased technique id a token names, or null. */
export function techniqueId(token: string): string | null {
  if (token.length > 20) return null;
  const m = TECHNIQUE.exec(token);
  if (m === null) return null;
  return m[2] === undefined ? `T${m[1]}` : `T${m[1]}.${m[2]}`;
}

/** Adds every technique id found in a value (string, list string, array of strings) to `out`, keeping first-seen order. */
export function collectTechniqueIds(value: unknown, out: string[]): void {
  if (out.length >= MAX_ATTACK_IDS) return;
  if (typeof value === 'string') {
    const single = techniqueId(value);
    if (single !== null) {
      if (!out.includes(single)) out.push(single);
      return;
    }
    if (value.length > 2000) return;
    for (const token of value.split(LIST_SEPARATORS)) {
      const id = techniqueId(token);
      if (id !== null && !out.includes(id) && out.length < MAX_ATTACK_IDS) out.push(id);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'string') collectTechniqueIds(item, out);
  }
}

const ATTACK_KEY = /mitre|attack|technique|^tags?$/i;

/** Suricata alert.metadata ({ key: [values] }) and similar maps: only keys that name ATT&CK or tags are read. */
export function techniqueIdsFromMetadata(metadata: unknown, out: string[]): void {
  if (typeof metadata !== 'object' || metadata === null) return;
  if (Array.isArray(metadata)) {
    // Older EVE writers log metadata as ["key value", ...].
    for (const entry of metadata) {
      if (typeof entry !== 'string') continue;
      const space = entry.indexOf(' ');
      if (space > 0 && ATTACK_KEY.test(entry.slice(0, space))) collectTechniqueIds(entry.slice(space + 1), out);
    }
    return;
  }
  const map = metadata as Record<string, unknown>;
  for (const key in map) {
    if (ATTACK_KEY.test(key)) collectTechniqueIds(map[key], out);
  }
}
