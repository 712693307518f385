// Suricata EVE JSON (every event_type). Mapping tables: docs/event-schema.md, "Suricata EVE".
import { techniqueIdsFromMetadata } from './attack-ids';
import { finishEvent, newEvent } from './event-builder';
import { lookupTable } from './lookup-table';
import type { NormalizedEvent, ParseOptions, Severity } from './normalized-event';
import {
  classifyCip, classifyDnp3, classifyEnipCommand, classifyModbus, cipCodeFromName, cipNameFromCode,
  dnp3NameFromCode, enipCommandCode, modbusCodeFromName, modbusNameFromCode,
} from './ot-functions';
import {
  JsonObject, RecordError, isObject, messageText, optAppProtocol, optInt, optIp, optPort, optText,
  optTransport, pick, reqText,
} from './record-fields';
import { parseIsoTimestamp } from './timestamps';

const EVENT_CLASS = lookupTable<string>({
  alert: 'alert', drop: 'firewall', flow: 'flow', netflow: 'flow', anomaly: 'anomaly',
  dns: 'dns', llmnr: 'dns', mdns: 'dns', http: 'http', http2: 'http', tls: 'tls', quic: 'tls',
  ssh: 'ssh', rdp: 'rdp', smb: 'smb', dcerpc: 'rpc', nfs: 'rpc', fileinfo: 'fileinfo',
  modbus: 'ot', dnp3: 'ot', enip: 'ot', krb5: 'auth', radius: 'auth', dhcp: 'dhcp',
  smtp: 'email', pop3: 'email', imap: 'email', ftp: 'ftp', ftp_data: 'ftp', tftp: 'ftp',
});

const CATEGORY = lookupTable<string>({ alert: 'ids', drop: 'firewall', dns: 'dns', http: 'proxy', http2: 'proxy' });

/** Event types that describe a flow or a detection rather than one application protocol. */
const NOT_A_PROTOCOL = new Set(['alert', 'drop', 'flow', 'netflow', 'anomaly', 'fileinfo', 'stats', 'frame', 'packet']);

const MAX_EVENT_TYPE = 64;

/** alert.severity is Suricata's classification priority: 1 is the most severe; 4+ are informational. */
export function suricataAlertSeverity(v: unknown): Severity {
  // Suricata logs 3 for rules without a classtype, so a missing value reads like that.
  const n = optInt(v, 'alert.severity', 0, 255) ?? 3;
  if (n <= 1) return 'HIGH';
  if (n === 2) return 'MEDIUM';
  if (n === 3) return 'LOW';
  return 'INFO';
}

export function normalizeSuricataEve(record: JsonObject, opts: ParseOptions): NormalizedEvent {
  const eventType = reqText(record.event_type, 'event_type', MAX_EVENT_TYPE).toLowerCase();
  const e = newEvent('suricata', record, opts.receivedAt);
  e.sourceProduct = 'suricata';
  e.sourceLog = eventType;
  e.eventClass = EVENT_CLASS[eventType] ?? 'other';
  e.category = CATEGORY[eventType] ?? null;

  if (record.timestamp !== undefined && record.timestamp !== null) {
    if (typeof record.timestamp !== 'string') throw new RecordError('timestamp must be a string');
    e.ts = parseIsoTimestamp(record.timestamp, 'timestamp');
    e.tsFromSource = true;
  }

  e.srcIp = optIp(record.src_ip, 'src_ip');
  e.srcPort = optPort(record.src_port, 'src_port');
  e.dstIp = optIp(record.dest_ip, 'dest_ip');
  e.dstPort = optPort(record.dest_port, 'dest_port');
  e.transport = optTransport(record.proto, 'proto');
  e.appProtocol = optAppProtocol(record.app_proto, 'app_proto') ?? (NOT_A_PROTOCOL.has(eventType) ? null : eventType);
  e.communityId = optText(record.community_id, 'community_id', 128);

  if (eventType === 'alert') {
    const alert = record.alert;
    if (!isObject(alert)) throw new RecordError('alert record has no alert object');
    e.signature = optText(alert.signature, 'alert.signature');
    e.signatureId = optText(alert.signature_id, 'alert.signature_id', 64);
    e.severity = suricataAlertSeverity(alert.severity);
    techniqueIdsFromMetadata(alert.metadata, e.attackIds);
    e.message = messageText(alert.signature, 'alert.signature');
  } else if (eventType === 'anomaly' || eventType === 'drop') {
    e.severity = 'LOW';
  }

  if (e.message === null) e.message = suricataMessage(eventType, record);
  readOtFields(record, e);
  return finishEvent(e);
}

function suricataMessage(eventType: string, record: JsonObject): string | null {
  switch (eventType) {
    case 'anomaly': {
      const parts = [pick(record, 'anomaly', 'type'), pick(record, 'anomaly', 'event')].filter((p) => typeof p === 'string');
      return parts.length > 0 ? messageText(parts.join(': '), 'anomaly.event') : null;
    }
    case 'dns': {
      const rrname = pick(record, 'dns', 'rrname') ?? pick(record, 'dns', 'queries', '0', 'rrname');
      return messageText(rrname, 'dns.rrname');
    }
    case 'http': {
      const method = pick(record, 'http', 'http_method');
      const host = pick(record, 'http', 'hostname');
      const url = pick(record, 'http', 'url');
      if (typeof url !== 'string') return null;
      const line = `${typeof method === 'string' ? method + ' ' : ''}${typeof host === 'string' ? host : ''}${url}`;
      return messageText(line, 'http.url');
    }
    case 'tls':
      return messageText(pick(record, 'tls', 'sni'), 'tls.sni');
    case 'fileinfo':
      return messageText(pick(record, 'fileinfo', 'filename'), 'fileinfo.filename');
    default:
      return null;
  }
}

/** Modbus, DNP3 and ENIP sub-objects appear on their own event types and on alerts for those flows. */
function readOtFields(record: JsonObject, e: NormalizedEvent): void {
  const modbus = record.modbus;
  if (isObject(modbus)) {
    const msg = isObject(modbus.request) ? modbus.request : isObject(modbus.response) ? modbus.response : null;
    e.otProtocol = 'modbus';
    if (msg === null) return;
    e.otUnitId = optInt(msg.unit_id, 'modbus.unit_id', 0, 255);
    let code = optInt(msg.function_raw, 'modbus.function_raw', 0, 255);
    if (code === null && typeof msg.function_code === 'string') code = modbusCodeFromName(msg.function_code);
    if (code !== null) {
      e.otFunctionCode = code;
      e.otFunction = modbusNameFromCode(code);
      e.otOperation = classifyModbus(code);
    } else {
      e.otFunction = optText(msg.function_code, 'modbus.function_code', 64);
    }
    return;
  }
  const dnp3 = record.dnp3;
  if (isObject(dnp3)) {
    e.otProtocol = 'dnp3';
    const code = optInt(pick(dnp3, 'application', 'function_code'), 'dnp3.application.function_code', 0, 255);
    if (code !== null) {
      e.otFunctionCode = code;
      e.otFunction = dnp3NameFromCode(code);
      e.otOperation = classifyDnp3(code);
    }
    // The outstation is the destination of a request and the source of a response.
    const outstation = dnp3.type === 'response' || dnp3.type === 'unsolicited_response' ? dnp3.src : dnp3.dst;
    e.otUnitId = optInt(outstation, 'dnp3 link address', 0, 65535);
    return;
  }
  const enip = record.enip;
  if (isObject(enip)) {
    e.otProtocol = 'enip';
    const msg = isObject(enip.request) ? enip.request : isObject(enip.response) ? enip.response : null;
    if (msg === null) return;
    const service = optText(pick(msg, 'cip', 'service'), 'enip.cip.service', 128);
    if (service !== null) {
      const code = cipCodeFromName(service);
      e.otFunctionCode = code;
      e.otFunction = code !== null ? (cipNameFromCode(code) ?? service) : service;
      e.otOperation = code !== null ? classifyCip(code) : 'other';
      return;
    }
    const command = optText(msg.command, 'enip.command', 64);
    if (command !== null) {
      const code = enipCommandCode(command);
      e.otFunction = command;
      e.otFunctionCode = code;
      e.otOperation = code !== null ? classifyEnipCommand(code) : 'other';
    }
  }
}
