// The normalized event every parser produces. Field-by-field sources are in docs/event-schema.md.

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type SourceFormat = 'suricata' | 'zeek' | 'cef' | 'ocsf' | 'native';
export type OtOperation = 'read' | 'write' | 'program' | 'control' | 'diagnostic' | 'other';

export const SEVERITIES: readonly Severity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export const SOURCE_FORMATS: readonly SourceFormat[] = ['suricata', 'zeek', 'cef', 'ocsf', 'native'];
export const OT_OPERATIONS: readonly OtOperation[] = ['read', 'write', 'program', 'control', 'diagnostic', 'other'];

/** The event classes parsers emit (docs/event-schema.md has the per-format table). */
export const EVENT_CLASSES = [
  'alert', 'flow', 'dns', 'http', 'tls', 'ssh', 'rdp', 'smb', 'fileinfo', 'anomaly', 'notice', 'weird',
  'ot', 'firewall', 'auth', 'dhcp', 'email', 'ftp', 'rpc', 'other',
] as const;
export type EventClass = (typeof EVENT_CLASSES)[number];

export interface NormalizedEvent {
  ts: Date;
  tsFromSource: boolean;
  sourceFormat: SourceFormat;
  sourceProduct: string;
  sourceLog: string;
  eventClass: string;
  category: string | null;
  severity: Severity;
  srcIp: string | null;
  srcPort: number | null;
  dstIp: string | null;
  dstPort: number | null;
  transport: string | null;
  appProtocol: string | null;
  communityId: string | null;
  signature: string | null;
  signatureId: string | null;
  attackIds: string[];
  otProtocol: string | null;
  otFunction: string | null;
  otFunctionCode: number | null;
  otUnitId: number | null;
  otOperation: OtOperation | null;
  message: string | null;
  sensorEventId: string | null;
  raw: Record<string, unknown>;
}

export type ParseResult = { ok: true; event: NormalizedEvent } | { ok: false; error: string };

export interface ParseOptions {
  format: SourceFormat | 'auto';
  /** When the ingest received the record; used as ts when the record carries none, and as the year for RFC 3164 syslog stamps. */
  receivedAt: Date;
  /** The Zeek log this sensor declares it sends (used when a record has no `_path`). */
  declaredLog?: string;
  /** The sensor's declared product (used by native records without `product`, and as a fallback for OCSF/CEF). */
  sensorProduct?: string;
}
