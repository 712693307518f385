// libs/normalize: pure parsers from sensor records to Watchfloor's NormalizedEvent.
export type { EventClass, NormalizedEvent, OtOperation, ParseOptions, ParseResult, Severity, SourceFormat } from './normalized-event';
export { EVENT_CLASSES, OT_OPERATIONS, SEVERITIES, SOURCE_FORMATS } from './normalized-event';
export { parseRecord, parseTextLine, parseSuricataEve, parseZeekLog, RecordParser } from './parse-record';
export { detectFormat } from './format-detection';
export { canonicalJson, eventFingerprint, eventId, fingerprintToUuid } from './event-fingerprint';
export { parseZeekTsv } from './zeek-tsv-reader';
export type { ZeekTsvLayout, ZeekTsvResult } from './zeek-tsv-reader';
export { NATIVE_SCHEMA } from './native-event-parser';
export { classifyOtFunction } from './ot-functions';
