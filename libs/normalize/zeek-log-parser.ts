// Zeek JSON logs (one record per line), any log; the log comes from `_path` or the sensor's
// declared log. Zeek writes `id.orig_h` as a literal dotted key; nested `id: { orig_h }` is read too.
import { finishEvent, newEvent } from './event-builder';
import { lookupTable } from './lookup-table';
import type { NormalizedEvent, ParseOptions } from './normalized-event';
import {
  classifyCip, classifyDnp3, classifyEnipCommand, classifyModbus, classifyS7, cipCodeFromName, cipNameFromCode,
  dnp3CodeFromName, dnp3NameFromCode, enipCommandCode, modbusCodeFromName, modbusNameFromCode, parseCode,
} from './ot-functions';
import {
  JsonObject, RecordError, messageText, optAppProtocol, optInt, optIp, optPort, optText, optTransport,
} from './record-fields';
import { zeekTimestamp } from './timestamps';

const LOG_NAME = /^[a-z0-9_.-]{1,64}$/;

const EVENT_CLASS = lookupTable<string>({
  conn: 'flow', notice: 'notice', weird: 'weird', analyzer: 'anomaly', dpd: 'anomaly',
  dns: 'dns', http: 'http', ssl: 'tls', x509: 'tls', ocsp: 'tls', known_certs: 'tls',
  ssh: 'ssh', rdp: 'rdp', smb_files: 'smb', smb_mapping: 'smb', smb_cmd: 'smb', dce_rpc: 'rpc',
  files: 'fileinfo', pe: 'fileinfo', kerberos: 'auth', ntlm: 'auth', radius: 'auth', dhcp: 'dhcp',
  smtp: 'email', ftp: 'ftp', tftp: 'ftp',
});

const CATEGORY = lookupTable<string>({ notice: 'ids', dns: 'dns', http: 'proxy' });

/** Logs named after the application protocol they describe (others: conn's `service`, or none). */
const APP_PROTOCOL = lookupTable<string>({
  dns: 'dns', http: 'http', ssl: 'tls', x509: 'tls', ssh: 'ssh', rdp: 'rdp', smb_files: 'smb', smb_mapping: 'smb',
  smb_cmd: 'smb', dce_rpc: 'dcerpc', ftp: 'ftp', tftp: 'tftp', smtp: 'smtp', snmp: 'snmp', ntp: 'ntp', dhcp: 'dhcp',
  kerberos: 'krb5', sip: 'sip', syslog: 'syslog', radius: 'radius', mysql: 'mysql', irc: 'irc', rfb: 'rfb',
  ldap: 'ldap', ldap_search: 'ldap', socks: 'socks', quic: 'quic', mqtt_connect: 'mqtt', mqtt_publish: 'mqtt',
  mqtt_subscribe: 'mqtt', ntlm: 'ntlm',
});

const SERVICE_ALIASES = lookupTable<string>({ ssl: 'tls', dce_rpc: 'dcerpc', krb: 'krb5', krb_tcp: 'krb5', cip: 'enip' });

/** The OT protocol a Zeek/ICSNPP log belongs to, by log name. */
export function zeekOtProtocol(log: string): string | null {
  if (log.startsWith('modbus') || log === 'known_modbus') return 'modbus';
  if (log.startsWith('dnp3')) return 'dnp3';
  if (log.startsWith('s7comm_plus')) return 's7comm_plus';
  if (log.startsWith('s7comm')) return 's7comm';
  if (log === 'cotp') return 'cotp';
  if (log === 'enip' || log.startsWith('cip')) return 'enip';
  if (log.startsWith('bacnet')) return 'bacnet';
  if (log.startsWith('iec104')) return 'iec104';
  return null;
}

/** A Zeek field by its literal dotted JSON key, else through nested objects. */
function zeekField(record: JsonObject, dotted: string, parent: string, child: string): unknown {
  const flat = record[dotted];
  if (flat !== undefined) return flat;
  const p = record[parent];
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as JsonObject)[child] : undefined;
}

export function zeekLogName(record: JsonObject, opts: ParseOptions): string {
  const path = record._path;
  let log: string;
  if (typeof path === 'string' && path !== '') log = path;
  else if (path !== undefined && path !== null) throw new RecordError('_path must be a string');
  else if (opts.declaredLog !== undefined && opts.declaredLog !== '') log = opts.declaredLog;
  else throw new RecordError('record has no _path and the sensor declared no Zeek log');
  log = log.toLowerCase();
  if (!LOG_NAME.test(log)) throw new RecordError(`log name ${JSON.stringify(log.slice(0, 64))} is not a Zeek log name`);
  return log;
}

export function normalizeZeekLog(record: JsonObject, opts: ParseOptions): NormalizedEvent {
  const log = zeekLogName(record, opts);
  const e = newEvent('zeek', record, opts.receivedAt);
  e.sourceProduct = 'zeek';
  e.sourceLog = log;
  const otProtocol = zeekOtProtocol(log);
  e.eventClass = EVENT_CLASS[log] ?? (otProtocol !== null ? 'ot' : 'other');
  e.category = CATEGORY[log] ?? null;
  e.severity = log === 'notice' ? 'MEDIUM' : log === 'weird' ? 'LOW' : 'INFO';

  if (record.ts !== undefined && record.ts !== null) {
    e.ts = zeekTimestamp(record.ts, 'ts');
    e.tsFromSource = true;
  }

  e.srcIp = optIp(zeekField(record, 'id.orig_h', 'id', 'orig_h'), 'id.orig_h');
  e.srcPort = optPort(zeekField(record, 'id.orig_p', 'id', 'orig_p'), 'id.orig_p');
  e.dstIp = optIp(zeekField(record, 'id.resp_h', 'id', 'resp_h'), 'id.resp_h');
  e.dstPort = optPort(zeekField(record, 'id.resp_p', 'id', 'resp_p'), 'id.resp_p');
  if (log === 'notice') {
    // Notices raised outside a connection carry src/dst/p instead of id.
    e.srcIp ??= optIp(record.src, 'src');
    e.dstIp ??= optIp(record.dst, 'dst');
    e.dstPort ??= optPort(record.p, 'p');
  }
  e.transport = optTransport(record.proto, 'proto');
  e.communityId = optText(record.community_id, 'community_id', 128);
  e.appProtocol = APP_PROTOCOL[log] ?? otProtocol ?? (log === 'conn' ? connService(record.service) : null);

  switch (log) {
    case 'notice':
      e.signature = optText(record.note, 'note', 256);
      e.signatureId = e.signature;
      e.message = messageText(record.msg, 'msg') ?? e.signature;
      break;
    case 'weird': {
      const name = optText(record.name, 'name', 256);
      e.signature = name;
      const addl = typeof record.addl === 'string' && record.addl !== '' ? ` (${record.addl})` : '';
      e.message = name === null ? null : messageText(name + addl, 'addl');
      break;
    }
    case 'analyzer':
    case 'dpd':
      e.message = messageText(record.failure_reason, 'failure_reason');
      break;
    case 'dns':
      e.message = messageText(record.query, 'query');
      break;
    case 'http':
      if (typeof record.uri === 'string') {
        const method = typeof record.method === 'string' ? record.method + ' ' : '';
        const host = typeof record.host === 'string' ? record.host : '';
        e.message = messageText(method + host + record.uri, 'uri');
      }
      break;
    case 'ssl':
      e.message = messageText(record.server_name, 'server_name');
      break;
    default:
      break;
  }

  if (otProtocol !== null) {
    e.otProtocol = otProtocol;
    readOtFields(log, otProtocol, record, e);
  }
  return finishEvent(e);
}

function connService(v: unknown): string | null {
  let first: unknown = v;
  if (Array.isArray(v)) first = v[0];
  else if (typeof v === 'string' && v.includes(',')) first = v.slice(0, v.indexOf(','));
  const s = optAppProtocol(first, 'service');
  return s === null ? null : (SERVICE_ALIASES[s] ?? s);
}

function readOtFields(log: string, protocol: string, record: JsonObject, e: NormalizedEvent): void {
  switch (protocol) {
    case 'modbus': {
      e.otUnitId = optInt(record.unit, 'unit', 0, 255);
      const func = optText(record.func, 'func', 64);
      if (func === null) return;
      const code = modbusCodeFromName(func);
      e.otFunction = code === null ? func : modbusNameFromCode(code);
      e.otFunctionCode = code;
      e.otOperation = code === null ? 'other' : classifyModbus(code);
      e.message ??= e.otFunction;
      return;
    }
    case 'dnp3': {
      // dnp3.log pairs a request with its reply; the request says what was asked of the outstation.
      const func = optText(record.fc_request ?? record.function_code ?? record.fc_reply, 'fc_request', 64);
      if (func === null) return;
      const code = dnp3CodeFromName(func);
      e.otFunction = code === null ? func : dnp3NameFromCode(code);
      e.otFunctionCode = code;
      e.otOperation = code === null ? 'other' : classifyDnp3(code);
      e.message ??= e.otFunction;
      return;
    }
    case 's7comm':
    case 's7comm_plus': {
      if (log === 's7comm_read_szl') {
        e.otFunction = 'Read SZL';
        e.otOperation = 'diagnostic';
        return;
      }
      const sub = optText(record.subfunction_name, 'subfunction_name', 128);
      const name = sub ?? optText(record.function_name, 'function_name', 128);
      const code = parseCode(record.function_code);
      if (name === null && code === null) return;
      e.otFunction = name;
      e.otFunctionCode = code;
      e.otOperation = classifyS7(name, code);
      e.message ??= name;
      return;
    }
    case 'enip': {
      if (log === 'cip') {
        const given = optText(record.cip_service, 'cip_service', 128);
        const code = parseCode(record.cip_service_code) ?? (given !== null ? cipCodeFromName(given) : null);
        if (code === null && given === null) return;
        e.otFunction = code !== null ? (cipNameFromCode(code) ?? given) : given;
        e.otFunctionCode = code;
        e.otOperation = code !== null ? classifyCip(code) : 'other';
      } else if (log === 'enip') {
        const given = optText(record.enip_command, 'enip_command', 128);
        const code = parseCode(record.enip_command_code) ?? (given !== null ? enipCommandCode(given) : null);
        if (code === null && given === null) return;
        e.otFunction = given;
        e.otFunctionCode = code;
        e.otOperation = code !== null ? classifyEnipCommand(code) : 'other';
      }
      e.message ??= e.otFunction;
      return;
    }
    default:
      return;
  }
}
