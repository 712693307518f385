// OCSF JSON events (schema 1.x). Class names come from the OCSF schema (Apache-2.0,
// ocsf/ocsf-schema @ a5cfc68e3ca6, events/*/*.json: class_uid = category_uid * 1000 + uid).
import { collectTechniqueIds } from './attack-ids';
import { finishEvent, newEvent } from './event-builder';
import type { NormalizedEvent, ParseOptions, Severity } from './normalized-event';
import {
  JsonObject, RecordError, isObject, messageText, optAppProtocol, optInt, optIp, optPort, optText, optTransport, pick,
} from './record-fields';
import { epochMillisToDate, parseIsoTimestamp } from './timestamps';

export const OCSF_CLASSES: ReadonlyMap<number, string> = new Map([
  [1001, 'file_activity'], [1002, 'kernel_extension_activity'], [1003, 'kernel_activity'], [1004, 'memory_activity'],
  [1005, 'module_activity'], [1006, 'scheduled_job_activity'], [1007, 'process_activity'], [1008, 'event_log_activity'],
  [1009, 'script_activity'], [1010, 'peripheral_activity'], [1011, 'device_power_state_activity'], [1012, 'clipboard_activity'],
  [2001, 'security_finding'], [2002, 'vulnerability_finding'], [2003, 'compliance_finding'], [2004, 'detection_finding'],
  [2005, 'incident_finding'], [2006, 'data_security_finding'], [2007, 'application_security_posture_finding'], [2008, 'iam_analysis_finding'],
  [3001, 'account_change'], [3002, 'authentication'], [3003, 'authorize_session'], [3004, 'entity_management'],
  [3005, 'user_access'], [3006, 'group_management'], [3007, 'user_management'], [3008, 'role_management'],
  [4001, 'network_activity'], [4002, 'http_activity'], [4003, 'dns_activity'], [4004, 'dhcp_activity'], [4005, 'rdp_activity'],
  [4006, 'smb_activity'], [4007, 'ssh_activity'], [4008, 'ftp_activity'], [4009, 'email_activity'], [4010, 'network_file_activity'],
  [4011, 'email_file_activity'], [4012, 'email_url_activity'], [4013, 'ntp_activity'], [4014, 'tunnel_activity'],
  [5001, 'inventory_info'], [5002, 'config_state'], [5003, 'user_inventory'], [5004, 'patch_state'], [5006, 'kernel_object_query'],
  [5007, 'file_query'], [5008, 'folder_query'], [5009, 'admin_group_query'], [5010, 'job_query'], [5011, 'module_query'],
  [5012, 'network_connection_query'], [5013, 'networks_query'], [5014, 'peripheral_device_query'], [5015, 'process_query'],
  [5016, 'service_query'], [5017, 'session_query'], [5018, 'user_query'], [5019, 'device_config_state_change'],
  [5020, 'software_info'], [5021, 'osint_inventory_info'], [5022, 'startup_item_query'], [5023, 'cloud_resources_inventory_info'],
  [5040, 'evidence_info'],
  [6001, 'web_resources_activity'], [6002, 'application_lifecycle'], [6003, 'api_activity'], [6004, 'web_resource_access_activity'],
  [6005, 'datastore_activity'], [6006, 'file_hosting'], [6007, 'scan_activity'], [6008, 'application_error'],
  [7001, 'remediation_activity'], [7002, 'file_remediation_activity'], [7003, 'process_remediation_activity'], [7004, 'network_remediation_activity'],
  [8001, 'drone_flights_activity'], [8002, 'airborne_broadcast_activity'],
]);

const EVENT_CLASS: ReadonlyMap<number, string> = new Map([
  [2001, 'alert'], [2004, 'alert'], [2005, 'alert'], [3002, 'auth'], [3003, 'auth'],
  [4001, 'flow'], [4002, 'http'], [4003, 'dns'], [4004, 'dhcp'], [4005, 'rdp'], [4006, 'smb'], [4007, 'ssh'],
  [4008, 'ftp'], [4009, 'email'], [4010, 'fileinfo'], [4011, 'email'], [4012, 'email'], [4014, 'flow'],
]);

const CATEGORY: ReadonlyMap<number, string> = new Map([
  [2001, 'ids'], [2004, 'ids'], [4001, 'firewall'], [4002, 'proxy'], [4003, 'dns'], [6004, 'webserver'],
]);

const APP_PROTOCOL: ReadonlyMap<number, string> = new Map([
  [4002, 'http'], [4003, 'dns'], [4004, 'dhcp'], [4005, 'rdp'], [4006, 'smb'], [4007, 'ssh'], [4008, 'ftp'],
  [4009, 'smtp'], [4013, 'ntp'],
]);

const SNAKE_BREAKS = /[^a-z0-9]+/g;
const SNAKE_TRIM = /^_+|_+$/g;

/** OCSF severity_id: 0 Unknown and 1 Informational INFO, 2 LOW, 3 MEDIUM, 4 HIGH, 5 Critical and 6 Fatal CRITICAL, 99 Other by `severity` text. */
export function ocsfSeverity(id: unknown, text: unknown): Severity {
  const n = optInt(id, 'severity_id', 0, 99);
  switch (n) {
    case null: case 0: case 1: return 'INFO';
    case 2: return 'LOW';
    case 3: return 'MEDIUM';
    case 4: return 'HIGH';
    case 5: case 6: return 'CRITICAL';
    case 99: {
      const t = typeof text === 'string' ? text.toUpperCase() : '';
      return t === 'LOW' || t === 'MEDIUM' || t === 'HIGH' || t === 'CRITICAL' ? t : 'INFO';
    }
    default: throw new RecordError(`severity_id ${n} is not an OCSF severity (0-6, 99)`);
  }
}

function className(classUid: number, record: JsonObject): string {
  const known = OCSF_CLASSES.get(classUid);
  if (known !== undefined) return known;
  const given = optText(record.class_name, 'class_name', 128);
  if (given !== null) return given.toLowerCase().replace(SNAKE_BREAKS, '_').replace(SNAKE_TRIM, '') || `class_${classUid}`;
  return `class_${classUid}`;
}

export function normalizeOcsf(record: JsonObject, opts: ParseOptions): NormalizedEvent {
  const classUid = optInt(record.class_uid, 'class_uid', 0, 999_999);
  if (classUid === null) throw new RecordError('class_uid is missing');
  const e = newEvent('ocsf', record, opts.receivedAt);
  e.sourceLog = className(classUid, record);
  const product = optText(pick(record, 'metadata', 'product', 'name'), 'metadata.product.name', 128)
    ?? optText(pick(record, 'metadata', 'product', 'vendor_name'), 'metadata.product.vendor_name', 128)
    ?? optText(opts.sensorProduct, 'sensorProduct', 128) ?? 'ocsf';
  e.sourceProduct = product.toLowerCase();
  e.eventClass = EVENT_CLASS.get(classUid) ?? 'other';
  e.category = CATEGORY.get(classUid) ?? null;
  e.severity = ocsfSeverity(record.severity_id, record.severity);
  e.sensorEventId = optText(pick(record, 'metadata', 'uid'), 'metadata.uid', 256);

  if (record.time !== undefined && record.time !== null) {
    if (typeof record.time !== 'number') throw new RecordError('time must be epoch milliseconds (a number)');
    e.ts = epochMillisToDate(record.time, 'time');
    e.tsFromSource = true;
  } else if (typeof record.time_dt === 'string') {
    e.ts = parseIsoTimestamp(record.time_dt, 'time_dt');
    e.tsFromSource = true;
  }

  e.srcIp = optIp(pick(record, 'src_endpoint', 'ip'), 'src_endpoint.ip');
  e.srcPort = optPort(pick(record, 'src_endpoint', 'port'), 'src_endpoint.port');
  e.dstIp = optIp(pick(record, 'dst_endpoint', 'ip'), 'dst_endpoint.ip');
  e.dstPort = optPort(pick(record, 'dst_endpoint', 'port'), 'dst_endpoint.port');
  e.transport = optTransport(pick(record, 'connection_info', 'protocol_name'), 'connection_info.protocol_name')
    ?? optTransport(pick(record, 'connection_info', 'protocol_num'), 'connection_info.protocol_num');
  e.appProtocol = optAppProtocol(record.app_name, 'app_name') ?? APP_PROTOCOL.get(classUid) ?? null;
  e.communityId = optText(pick(record, 'connection_info', 'community_uid'), 'connection_info.community_uid', 128);

  // Findings describe the detection in finding_info (1.1+) or finding (1.0).
  const finding = isObject(record.finding_info) ? record.finding_info : isObject(record.finding) ? record.finding : null;
  if (finding !== null) {
    e.signature = optText(pick(finding, 'analytic', 'name'), 'finding_info.analytic.name') ?? optText(finding.title, 'finding_info.title');
    e.signatureId = optText(pick(finding, 'analytic', 'uid'), 'finding_info.analytic.uid', 256);
    collectAttacks(finding.attacks, e.attackIds);
  }
  collectAttacks(record.attacks, e.attackIds);
  e.message = messageText(record.message, 'message') ?? (finding !== null ? messageText(finding.title, 'finding_info.title') : null);
  return finishEvent(e);
}

function collectAttacks(attacks: unknown, out: string[]): void {
  if (!Array.isArray(attacks)) return;
  for (const attack of attacks) {
    if (!isObject(attack)) continue;
    collectTechniqueIds(pick(attack, 'technique', 'uid'), out);
    collectTechniqueIds(pick(attack, 'sub_technique', 'uid'), out);
  }
}
