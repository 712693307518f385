// Auto-detection of a record's format (docs/event-schema.md, "Auto-detection"). The checks run in
// a fixed order, from the most specific marker to the loosest.
import { NATIVE_SCHEMA } from './native-event-parser';
import type { SourceFormat } from './normalized-event';
import { isObject } from './record-fields';

/**
 * 1. a string holding `CEF:` → cef; 2. `schema: "watchfloor.event/v1"` → native;
 * 3. numeric `class_uid` with a `metadata` object → ocsf; 4. string `event_type` → suricata;
 * 5. `_path`, `id.orig_h`, `id: { orig_h }`, or `ts` with a string `uid` → zeek; else null.
 */
export function detectFormat(record: unknown): SourceFormat | null {
  if (typeof record === 'string') return record.includes('CEF:') ? 'cef' : null;
  if (!isObject(record)) return null;
  if (record.schema === NATIVE_SCHEMA) return 'native';
  if (typeof record.class_uid === 'number' && isObject(record.metadata)) return 'ocsf';
  if (typeof record.event_type === 'string') return 'suricata';
  if (typeof record._path === 'string' || record['id.orig_h'] !== undefined) return 'zeek';
  if (isObject(record.id) && record.id.orig_h !== undefined) return 'zeek';
  if (record.ts !== undefined && typeof record.uid === 'string') return 'zeek';
  return null;
}
