// ArcSight Common Event Format lines, bare or behind an RFC 3164 / RFC 5424 syslog header.
// Escaping per the CEF spec: header fields escape `\|` and `\\`; extension values escape `\=`,
// `\\`, `\n`, `\r`. Other backslash sequences are kept as written. A value runs until the next
// ` key=` (an unescaped `=` preceded by a key-shaped token after a space).
import { collectTechniqueIds } from './attack-ids';
import { finishEvent, newEvent } from './event-builder';
import type { NormalizedEvent, ParseOptions, Severity } from './normalized-event';
import {
  JsonObject, RecordError, messageText, optAppProtocol, optIp, optPort, optText, optTransport,
} from './record-fields';
import { cefTimestamp, parseIsoTimestamp, parseMonthNameTimestamp } from './timestamps';

const TRAILING_COLON = /:$/;
const EXTENSION_KEY = /^[A-Za-z0-9_.\-[\]]{1,128}$/;
const PRI = /^<(\d{1,3})>/;
const RFC5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+)(?: (.*))?$/s;
const RFC3164 = /^([A-Za-z]{3} +\d{1,2} (?:\d{4} )?\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?: (\S+))?(?: (.*))?$/s;
const ISO_PREFIXED = /^(\d{4}-\d{2}-\d{2}T\S+) (\S+)(?: (.*))?$/s;
const VERSION = /^CEF:(\d)$/;
const SEVERITY_NUMBER = /^\d{1,2}$/;
const IDS_PRODUCT = /\b(?:ids|ips|idps|nids|intrusion|snort|suricata|zeek|bro|nozomi|claroty|dragos|tenable\.?ot|indegy|armis|cyberx|defender for iot|cyber ?vision|sentryo|scadafence|otorio|radiflow|threat)\b/i;
const IDS_CATEGORY = /intrusion|\bids\b|\bips\b|exploit|malware|virus|spyware|vulnerability|attack|threat/i;
const ATTACK_LABEL = /mitre|att&?ck|technique/i;

const HEADER_KEYS = new Set(['cefVersion', 'deviceVendor', 'deviceProduct', 'deviceVersion', 'signatureId', 'name', 'severity', 'syslog', 'customFields', '__proto__']);

export interface SyslogHeader {
  pri?: number;
  facility?: number;
  severity?: number;
  version?: number;
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** The header text as received, when it matched no known layout. */
  header?: string;
}

/** CEF severity: 0-3 LOW, 4-6 MEDIUM, 7-8 HIGH, 9-10 CRITICAL; the spec's words Low/Medium/High/Very-High; Unknown or empty INFO. */
export function cefSeverity(text: string): Severity {
  const t = text.trim();
  if (t === '') return 'INFO';
  if (SEVERITY_NUMBER.test(t)) {
    const n = Number(t);
    if (n > 10) throw new RecordError(`CEF severity ${t} is outside 0..10`);
    if (n <= 3) return 'LOW';
    if (n <= 6) return 'MEDIUM';
    if (n <= 8) return 'HIGH';
    return 'CRITICAL';
  }
  switch (t.toLowerCase()) {
    case 'unknown': return 'INFO';
    case 'low': return 'LOW';
    case 'medium': return 'MEDIUM';
    case 'high': return 'HIGH';
    case 'very-high': case 'very high': case 'veryhigh': case 'critical': return 'CRITICAL';
    default: throw new RecordError(`CEF severity ${JSON.stringify(t.slice(0, 20))} is not 0-10 or Low/Medium/High/Very-High/Unknown`);
  }
}

function parseSyslogHeader(prefix: string, receivedAt: Date): { header: SyslogHeader; ts: Date | null } {
  const header: SyslogHeader = {};
  let rest = prefix;
  const pri = PRI.exec(rest);
  if (pri !== null) {
    const p = Number(pri[1]);
    if (p > 191) throw new RecordError(`syslog PRI ${p} is outside 0..191`);
    header.pri = p;
    header.facility = p >> 3;
    header.severity = p & 7;
    rest = rest.slice(pri[0].length);
  }
  if (rest === '') return { header, ts: null };
  const r5424 = RFC5424.exec(rest);
  if (r5424 !== null && (r5424[2] === '-' || r5424[2].charCodeAt(0) <= 57)) {
    header.version = Number(r5424[1]);
    let ts: Date | null = null;
    if (r5424[2] !== '-') {
      header.timestamp = r5424[2];
      ts = parseIsoTimestamp(r5424[2], 'syslog timestamp');
    }
    header.hostname = r5424[3];
    header.appName = r5424[4];
    header.procId = r5424[5];
    header.msgId = r5424[6];
    return { header, ts };
  }
  const r3164 = RFC3164.exec(rest);
  if (r3164 !== null) {
    header.timestamp = r3164[1];
    if (r3164[2] !== undefined) header.hostname = r3164[2];
    if (r3164[3] !== undefined && r3164[3] !== '') header.appName = r3164[3].replace(TRAILING_COLON, '');
    // RFC 3164 stamps carry no zone: read as UTC.
    return { header, ts: parseMonthNameTimestamp(r3164[1], 'syslog timestamp', receivedAt) };
  }
  const iso = ISO_PREFIXED.exec(rest);
  if (iso !== null) {
    header.timestamp = iso[1];
    header.hostname = iso[2];
    if (iso[3] !== undefined && iso[3] !== '') header.appName = iso[3].replace(TRAILING_COLON, '');
    return { header, ts: parseIsoTimestamp(iso[1], 'syslog timestamp') };
  }
  header.header = rest;
  return { header, ts: null };
}

/** Splits the CEF header on unescaped pipes; returns the 7 header fields and the extension text. */
function splitHeader(cef: string): { fields: string[]; extension: string } {
  const fields: string[] = [];
  let current = '';
  let i = 0;
  for (; i < cef.length && fields.length < 7; i++) {
    const c = cef.charCodeAt(i);
    if (c === 92 /* \ */ && i + 1 < cef.length) {
      const next = cef[i + 1];
      if (next === '|' || next === '\\') {
        current += next;
        i++;
        continue;
      }
      current += '\\';
    } else if (c === 124 /* | */) {
      fields.push(current);
      current = '';
    } else {
      current += cef[i];
    }
  }
  if (fields.length === 7) return { fields, extension: cef.slice(i) };
  // Tolerate a missing trailing pipe when there is no extension.
  if (fields.length === 6) {
    fields.push(current);
    return { fields, extension: '' };
  }
  throw new RecordError(`CEF header has ${fields.length + 1} of 8 pipe-separated parts (CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension)`);
}

function unescapeValue(v: string): string {
  if (v.indexOf('\\') === -1) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\' && i + 1 < v.length) {
      const next = v[i + 1];
      if (next === '=' || next === '\\') { out += next; i++; continue; }
      if (next === 'n') { out += '\n'; i++; continue; }
      if (next === 'r') { out += '\r'; i++; continue; }
    }
    out += c;
  }
  return out;
}

/** Parses `k1=v1 k2=value with spaces k3=v\=3` into `out`. */
export function parseCefExtension(ext: string, out: JsonObject): void {
  let key: string | null = null;
  let valueStart = 0;
  let tokenStart = 0;
  for (let j = 0; j < ext.length; j++) {
    const c = ext.charCodeAt(j);
    if (c === 92 /* \ */) { j++; continue; }
    if (c === 32 /* space */) { tokenStart = j + 1; continue; }
    if (c !== 61 /* = */ || j - tokenStart > 128) continue;
    const candidate = ext.slice(tokenStart, j);
    if (!EXTENSION_KEY.test(candidate)) continue; // an '=' inside a value, e.g. a URL query
    if (key !== null) setExtension(out, key, ext.slice(valueStart, tokenStart - 1));
    else if (ext.slice(0, tokenStart).trim() !== '') {
      throw new RecordError(`CEF extension starts with text that is not key=value: ${JSON.stringify(ext.slice(0, Math.min(tokenStart, 40)))}`);
    }
    key = candidate;
    valueStart = j + 1;
  }
  if (key !== null) setExtension(out, key, ext.slice(valueStart));
  else if (ext.trim() !== '') throw new RecordError('CEF extension holds no key=value pair');
}

function setExtension(out: JsonObject, key: string, value: string): void {
  if (HEADER_KEYS.has(key)) throw new RecordError(`CEF extension key ${JSON.stringify(key)} collides with a header field`);
  out[key] = unescapeValue(value.trim());
}

function str(raw: JsonObject, key: string): string | undefined {
  const v = raw[key];
  return typeof v === 'string' ? v : undefined;
}

/** Parses one CEF line (with or without a syslog header). Throws RecordError on bad input. */
export function normalizeCefLine(line: string, opts: ParseOptions): NormalizedEvent {
  // Trimmed by hand: an end-anchored regex would be quadratic on a long run of newlines.
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 10 || line.charCodeAt(end - 1) === 13)) end--;
  const text = line.slice(line.charCodeAt(0) === 0xfeff ? 1 : 0, end);
  const at = text.indexOf('CEF:');
  if (at === -1) throw new RecordError("line holds no 'CEF:' marker");
  const prefix = text.slice(0, at).trim();
  const syslog = prefix === '' ? null : parseSyslogHeader(prefix, opts.receivedAt);

  const { fields, extension } = splitHeader(text.slice(at));
  const version = VERSION.exec(fields[0]);
  if (version === null || Number(version[1]) > 1) throw new RecordError(`unsupported CEF version ${JSON.stringify(fields[0].slice(0, 10))}`);

  const raw: JsonObject = {
    cefVersion: Number(version[1]),
    deviceVendor: fields[1],
    deviceProduct: fields[2],
    deviceVersion: fields[3],
    signatureId: fields[4],
    name: fields[5],
    severity: fields[6],
  };
  parseCefExtension(extension, raw);

  const customFields: JsonObject = {};
  let hasCustom = false;
  for (let n = 1; n <= 6; n++) {
    const label = str(raw, `cs${n}Label`);
    const value = raw[`cs${n}`];
    if (label !== undefined && label !== '' && value !== undefined) {
      if (label === '__proto__') continue;
      customFields[label] = value;
      hasCustom = true;
    }
  }
  if (hasCustom) raw.customFields = customFields;
  if (syslog !== null) raw.syslog = syslog.header;

  const e = newEvent('cef', raw, opts.receivedAt);
  const vendor = optText(fields[1], 'deviceVendor', 128);
  const product = optText(fields[2], 'deviceProduct', 128);
  e.sourceProduct = (product ?? vendor ?? optText(opts.sensorProduct, 'sensorProduct', 128) ?? 'cef').toLowerCase();
  e.sourceLog = 'cef';
  e.severity = cefSeverity(fields[6]);
  e.signatureId = optText(fields[4], 'signatureId', 256);
  e.signature = optText(fields[5], 'name');
  e.message = messageText(fields[5], 'name');

  const cat = str(raw, 'cat') ?? '';
  const ids = IDS_PRODUCT.test(`${fields[1]} ${fields[2]}`) || IDS_CATEGORY.test(cat);
  e.eventClass = ids ? 'alert' : 'firewall';
  e.category = ids ? 'ids' : 'firewall';

  for (const key of ['rt', 'start', 'end']) {
    const v = str(raw, key);
    if (v !== undefined && v !== '') {
      e.ts = cefTimestamp(v, key, opts.receivedAt);
      e.tsFromSource = true;
      break;
    }
  }
  if (!e.tsFromSource && syslog !== null && syslog.ts !== null) {
    e.ts = syslog.ts;
    e.tsFromSource = true;
  }

  e.srcIp = optIp(raw.src, 'src');
  e.dstIp = optIp(raw.dst, 'dst');
  e.srcPort = optPort(raw.spt, 'spt');
  e.dstPort = optPort(raw.dpt, 'dpt');
  e.transport = optTransport(raw.proto, 'proto');
  e.appProtocol = optAppProtocol(raw.app, 'app');
  e.sensorEventId = optText(raw.externalId, 'externalId', 256);

  for (const key in raw) {
    if (ATTACK_LABEL.test(key)) collectTechniqueIds(raw[key], e.attackIds);
  }
  if (hasCustom) {
    for (const label in customFields) {
      if (ATTACK_LABEL.test(label)) collectTechniqueIds(customFields[label], e.attackIds);
    }
  }
  return finishEvent(e);
}
