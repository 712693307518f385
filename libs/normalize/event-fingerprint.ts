// Deterministic event ids for idempotent ingest: a resent record maps to the same id.
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from './normalized-event';

const HEX32 = /^[0-9a-f]{32}$/i;

/**
 * JSON with object keys sorted (by UTF-16 code unit order), no whitespace; arrays keep their
 * order. Same value semantics as JSON.stringify (undefined members dropped, non-finite numbers
 * null). Expects JSON-shaped input, as parse results are (depth-checked).
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null'; // undefined, functions, symbols, bigint: what JSON.stringify gives inside an array
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]];
    const t = typeof v;
    if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(keys[i]) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/**
 * 32 hex chars (128 bits) of sha256 over the sensor id and either the record's own id
 * (sensorEventId) or the canonical JSON of raw. The parts are framed ("<len>:<sensorId>\n",
 * "id:" / "raw:") so no two different inputs can hash the same text.
 */
export function eventFingerprint(sensorId: string, event: NormalizedEvent): string {
  const hash = createHash('sha256');
  hash.update(`${sensorId.length}:${sensorId}\n`);
  hash.update(event.sensorEventId !== null ? `id:${event.sensorEventId}` : `raw:${canonicalJson(event.raw)}`);
  return hash.digest('hex').slice(0, 32);
}

/**
 * Formats a 32-hex fingerprint as an RFC 9562 version-8 (custom) UUID: the version nibble and the
 * variant bits are overwritten, leaving 122 bits of the hash. Throws RangeError on other input.
 */
export function fingerprintToUuid(hex32: string): string {
  if (typeof hex32 !== 'string' || !HEX32.test(hex32)) throw new RangeError('fingerprintToUuid expects 32 hex characters');
  const h = hex32.toLowerCase();
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
