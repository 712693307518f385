// Checks the starter OT Sigma rules in rules/ot/: format, ids, ATT&CK for ICS tags, real field
// names, and that each rule matches the example events written for it (and not the near misses).
// The matcher here is deliberately tiny (equality, lists, contains, startswith, re; and/or/not);
// the real engine lives in libs/detection/sigma.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { attackIcsTechnique } from './attack-ics';
import table from './attack-ics-techniques.json';

const root = path.resolve(__dirname, '../../..');
const rulesDir = path.join(root, 'rules/ot');
const corpora = path.resolve(root, '../shared/corpora');

type Event = Record<string, unknown>;
interface Rule {
  file: string;
  doc: Record<string, any>;
}

const rules: Rule[] = fs
  .readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((file) => ({ file, doc: YAML.parse(fs.readFileSync(path.join(rulesDir, file), 'utf8')) }));

// ---- a tiny matcher -------------------------------------------------------------------------

const ALLOWED_MODIFIERS = new Set(['contains', 'startswith', 're']);

function fieldValue(event: Event, field: string): unknown {
  if (field in event) return event[field];
  let cur: unknown = event;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function valueMatches(actual: unknown, modifier: string | undefined, expected: unknown): boolean {
  if (actual === undefined || actual === null) return expected === null;
  const a = String(actual);
  const e = String(expected);
  switch (modifier) {
    case undefined:
      return a.toLowerCase() === e.toLowerCase();
    case 'contains':
      return a.toLowerCase().includes(e.toLowerCase());
    case 'startswith':
      return a.toLowerCase().startsWith(e.toLowerCase());
    case 're':
      return new RegExp(e).test(a);
    default:
      throw new Error(`modifier "${modifier}" is not allowed in OT rules`);
  }
}

function selectionMatches(selection: unknown, event: Event): boolean {
  if (Array.isArray(selection)) return selection.some((s) => selectionMatches(s, event));
  if (selection === null || typeof selection !== 'object') throw new Error('a selection must be a map or a list of maps');
  return Object.entries(selection as Record<string, unknown>).every(([key, expected]) => {
    const [field, ...mods] = key.split('|');
    if (mods.length > 1) throw new Error(`"${key}": chained modifiers are not allowed in OT rules`);
    const values = Array.isArray(expected) ? expected : [expected];
    return values.some((v) => valueMatches(fieldValue(event, field), mods[0], v));
  });
}

/** and / or / not / parentheses over selection names. */
function conditionMatches(condition: string, detection: Record<string, unknown>, event: Event): boolean {
  const tokens = condition.match(/\(|\)|[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const primary = (): boolean => {
    const t = tokens[i++];
    if (t === '(') {
      const v = orExpr();
      if (tokens[i++] !== ')') throw new Error(`unbalanced parentheses in "${condition}"`);
      return v;
    }
    if (t === 'not') return !primary();
    if (!t || !(t in detection) || t === 'condition') throw new Error(`unknown selection "${t}" in "${condition}"`);
    return selectionMatches(detection[t], event);
  };
  const andExpr = (): boolean => {
    let v = primary();
    while (peek() === 'and') {
      i++;
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek() === 'or') {
      i++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const result = orExpr();
  if (i !== tokens.length) throw new Error(`unsupported condition "${condition}"`);
  return result;
}

function ruleMatches(rule: Rule, event: Event): boolean {
  const { product, service } = rule.doc.logsource;
  // The log source is part of a rule: a modbus rule never sees dnp3 records.
  if (product === 'zeek' && event._path !== service) return false;
  if (product === 'suricata' && event.event_type !== service) return false;
  return conditionMatches(rule.doc.detection.condition, rule.doc.detection, event);
}

// ---- field names per log source -------------------------------------------------------------

/** Field names from a Zeek TSV log's #fields header. */
function tsvFields(file: string): string[] {
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('#fields'));
  if (!line) throw new Error(`${file} has no #fields header`);
  return line.split('\t').slice(1);
}

/** Records of a Zeek TSV log; `fields` when the file has no header (btest baselines strip some). */
function tsvRecords(file: string, path_: string, fields?: string[]): Event[] {
  const names = fields ?? tsvFields(file);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => {
      const rec: Event = { _path: path_ };
      l.split('\t').forEach((v, idx) => {
        if (v !== '-' && v !== '(empty)') rec[names[idx]] = v;
      });
      return rec;
    });
}

const zeek = (p: string) => path.join(corpora, 'zeek', p);
const haveCorpora = fs.existsSync(path.join(corpora, 'zeek/zeek-baselines'));

// icsnpp-enip's btest baseline for cip.log carries no header; this is the field order its
// README documents (cisagov/icsnpp-enip, CIP Header Log).
const CIP_FIELDS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'is_orig', 'source_h', 'source_p',
  'destination_h', 'destination_p', 'cip_sequence_count', 'direction', 'cip_service_code', 'cip_service',
  'cip_status_code', 'cip_status', 'cip_extended_status_code', 'cip_extended_status', 'class_id',
  'class_name', 'instance_id', 'attribute_id',
];
// Suricata EVE alert fields the rules may use (EVE JSON output documentation).
const EVE_ALERT_FIELDS = [
  'src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'app_proto', 'flow_id', 'event_type',
  'alert.action', 'alert.gid', 'alert.signature_id', 'alert.rev', 'alert.signature', 'alert.category', 'alert.severity',
];

function knownFields(product: string, service: string): string[] {
  if (product === 'suricata' && service === 'alert') return EVE_ALERT_FIELDS;
  const bySource: Record<string, () => string[]> = {
    modbus: () => tsvFields(zeek('zeek-baselines/testing/btest/Baseline/scripts.base.protocols.modbus.exception_handling/modbus.log')),
    modbus_detailed: () => tsvFields(zeek('icsnpp-modbus/testing/baseline/analyzer.basic/modbus_detailed.log')),
    dnp3: () => tsvFields(zeek('zeek-baselines/testing/btest/Baseline/scripts.base.protocols.dnp3.events/dnp3.log')),
    s7comm: () => tsvFields(zeek('icsnpp-s7comm/tests/baseline/analyzer.snap7/s7comm.log')),
    cip: () => CIP_FIELDS,
  };
  if (product !== 'zeek' || !bySource[service]) throw new Error(`no field list for ${product}/${service}`);
  return bySource[service]();
}

// ---- examples: at least one match and one near miss per rule --------------------------------

const conn = { 'id.orig_h': '10.10.7.23', 'id.orig_p': 50512, 'id.resp_h': '10.30.1.11', ts: '2026-03-02T10:00:00Z', uid: 'CHhAvVGS1DHFjwGM9' };
const modbus = (e: Event) => ({ _path: 'modbus', ...conn, 'id.resp_p': 502, tid: 7, unit: 1, ...e });
const modbusDetailed = (e: Event) => ({ _path: 'modbus_detailed', ...conn, 'id.resp_p': 502, tid: 7, unit: 1, ...e });
const dnp3 = (e: Event) => ({ _path: 'dnp3', ...conn, 'id.resp_p': 20000, iin: 0, ...e });
const s7 = (e: Event) => ({ _path: 's7comm', ...conn, 'id.resp_p': 102, rosctr_code: 1, rosctr_name: 'Job-Request', ...e });
const cip = (e: Event) => ({ _path: 'cip', ...conn, 'id.resp_p': 44818, direction: 'request', ...e });
const eve = (signature: string) => ({
  event_type: 'alert',
  src_ip: '10.10.7.23',
  dest_ip: '10.30.1.11',
  dest_port: 502,
  proto: 'TCP',
  alert: { action: 'allowed', gid: 1, signature_id: 1111001, rev: 1, signature, category: 'Attempted Denial of Service', severity: 2 },
});

const EXAMPLES: Record<string, { match: Event[]; miss: Event[] }> = {
  'zeek_modbus_register_write.yml': {
    match: [modbus({ func: 'WRITE_SINGLE_REGISTER', pdu_type: 'REQ' }), modbus({ func: 'READ_WRITE_MULTIPLE_REGISTERS' })],
    miss: [modbus({ func: 'WRITE_MULTIPLE_REGISTERS', pdu_type: 'RESP' }), modbus({ func: 'READ_HOLDING_REGISTERS', pdu_type: 'REQ' })],
  },
  'zeek_modbus_coil_write.yml': {
    match: [modbus({ func: 'WRITE_MULTIPLE_COILS', pdu_type: 'REQ' })],
    miss: [modbus({ func: 'READ_COILS', pdu_type: 'REQ' }), modbus({ func: 'WRITE_SINGLE_COIL', pdu_type: 'RESP' })],
  },
  'zeek_modbus_force_listen_only.yml': {
    match: [modbusDetailed({ func: 'DIAGNOSTICS', request_subfunction_code: 'Force Listen Only Mode' })],
    miss: [modbusDetailed({ func: 'DIAGNOSTICS', request_subfunction_code: 'Return Query Data' })],
  },
  'zeek_modbus_restart_communications.yml': {
    match: [modbusDetailed({ func: 'DIAGNOSTICS', request_subfunction_code: 'Restart Communications Option' })],
    miss: [modbusDetailed({ func: 'DIAGNOSTICS', request_subfunction_code: 'Return Bus Message Count' })],
  },
  'zeek_modbus_exception_response.yml': {
    match: [modbus({ func: 'unknown-156', pdu_type: 'RESP', exception: 'ILLEGAL_FUNCTION' })],
    miss: [modbus({ func: 'READ_COILS', pdu_type: 'RESP', exception: 'SLAVE_DEVICE_BUSY' }), modbus({ func: 'READ_COILS', pdu_type: 'RESP' })],
  },
  'zeek_modbus_umas_function_90.yml': {
    match: [modbus({ func: 'unknown-90', pdu_type: 'REQ' })],
    miss: [modbus({ func: 'unknown-900', pdu_type: 'REQ' }), modbus({ func: 'unknown-90', pdu_type: 'RESP' })],
  },
  'zeek_dnp3_restart.yml': {
    match: [dnp3({ fc_request: 'COLD_RESTART', fc_reply: 'RESPONSE' }), dnp3({ fc_request: 'WARM_RESTART' })],
    miss: [dnp3({ fc_request: 'READ', fc_reply: 'RESPONSE' })],
  },
  'zeek_dnp3_direct_operate.yml': {
    match: [dnp3({ fc_request: 'DIRECT_OPERATE_NR' })],
    miss: [dnp3({ fc_request: 'OPERATE' }), dnp3({ fc_request: 'SELECT' })],
  },
  'zeek_dnp3_file_transfer.yml': {
    match: [dnp3({ fc_request: 'OPEN_FILE', fc_reply: 'RESPONSE' })],
    miss: [dnp3({ fc_request: 'DELETE_FILE' })],
  },
  'zeek_dnp3_delete_file.yml': {
    match: [dnp3({ fc_request: 'DELETE_FILE', fc_reply: 'RESPONSE' })],
    miss: [dnp3({ fc_request: 'CLOSE_FILE' })],
  },
  'zeek_dnp3_disable_unsolicited.yml': {
    match: [dnp3({ fc_request: 'DISABLE_UNSOLICITED' })],
    miss: [dnp3({ fc_request: 'ENABLE_UNSOLICITED' }), dnp3({ fc_reply: 'UNSOLICITED_RESPONSE' })],
  },
  'zeek_dnp3_stop_application.yml': {
    match: [dnp3({ fc_request: 'STOP_APPL' }), dnp3({ fc_request: 'INITIALIZE_APPL' })],
    miss: [dnp3({ fc_request: 'START_APPL' })],
  },
  'zeek_s7comm_plc_stop.yml': {
    match: [s7({ function_code: '0x29', function_name: 'PLC Stop' })],
    miss: [s7({ rosctr_code: 3, rosctr_name: 'ACK-Data', function_name: 'PLC Stop' })],
  },
  'zeek_s7comm_plc_start_stop_service.yml': {
    match: [s7({ function_name: 'PLC Control', subfunction_code: 'P_PROGRAM', subfunction_name: 'PLC Start / Stop' })],
    miss: [s7({ function_name: 'PLC Control', subfunction_code: '_GARB', subfunction_name: 'Compress PLC memory' })],
  },
  'zeek_s7comm_block_change.yml': {
    match: [s7({ function_name: 'PLC Control', subfunction_code: '_MODU', subfunction_name: 'PLC Copy Ram to Rom' })],
    miss: [s7({ function_name: 'PLC Control', subfunction_code: 'P_PROGRAM' })],
  },
  'zeek_s7comm_program_download.yml': {
    match: [s7({ function_code: '0x1a', function_name: 'Request Download' })],
    miss: [s7({ function_code: '0x1b', function_name: 'Download Block' })],
  },
  'zeek_s7comm_program_upload.yml': {
    match: [s7({ function_code: '0x1d', function_name: 'Start Upload' })],
    miss: [s7({ function_code: '0x1e', function_name: 'Upload' })],
  },
  'zeek_s7comm_write_variable.yml': {
    match: [s7({ function_code: '0x05', function_name: 'Write Variable' })],
    miss: [s7({ function_code: '0x04', function_name: 'Read Variable' })],
  },
  'zeek_cip_reset_or_stop.yml': {
    match: [cip({ cip_service_code: '0x05', cip_service: 'Reset', class_name: 'Identity' })],
    miss: [cip({ direction: 'response', cip_service: 'Reset' }), cip({ cip_service: 'Get Attribute List' })],
  },
  'zeek_cip_set_attribute.yml': {
    match: [cip({ cip_service_code: '0x10', cip_service: 'Set Attributes Single', class_id: '0x01', class_name: 'Identity' })],
    miss: [cip({ cip_service: 'Get Attributes Single' })],
  },
  'zeek_cip_firmware_update.yml': {
    match: [cip({ cip_service: 'unknown', class_id: '0xa1', class_name: 'unknown' })],
    miss: [cip({ class_id: '0xa10' }), cip({ direction: 'response', class_id: '0xa1' })],
  },
  'suricata_ics_protocol_alert.yml': {
    match: [eve('SCADA_IDS: Modbus TCP - Points List Scan'), eve('ET SCADA DNP3 Disable Unsolicited Responses')],
    miss: [eve('ET SCAN Nmap Scripting Engine User-Agent Detected'), eve('ET POLICY Physics simulation download')],
  },
  'suricata_ics_unauthorized_command.yml': {
    match: [eve('SCADA_IDS: Modbus TCP - Unauthorized Write Request to a PLC'), eve('Schneider Modicon Function Code 90 - Download Ladder Logic Started')],
    miss: [eve('SCADA_IDS: Modbus TCP - Unauthorized Read Request to a PLC')],
  },
  'suricata_ics_reconnaissance.yml': {
    match: [eve('SCADA_IDS: DNP3 - Function Code Scan'), eve('TCP EtherNet/IP Request Identity Attempt Via Redpoint Nmap NSE')],
    miss: [eve('SCADA_IDS: DNP3 - Warm Restart')],
  },
  'suricata_ics_restart_or_stop.yml': {
    match: [eve('SCADA_IDS: DNP3 - Cold Restart From Unauthorized Client'), eve('SCADA_IDS: DNP3 - Stop Application')],
    miss: [eve('SCADA_IDS: DNP3 - Unsolicited Response Storm'), eve('scada_ids: dnp3 - cold restart')],
  },
};

// ---- tests ----------------------------------------------------------------------------------

const byFile = (file: string) => {
  const r = rules.find((x) => x.file === file);
  if (!r) throw new Error(`no rule ${file}`);
  return r;
};
const ICS_TACTICS = new Set(
  Object.values(table.techniques).flatMap((t) => t.tactics.map((name) => name.toLowerCase().replace(/ /g, '-'))),
);

test('a starter set of 15–30 rules', () => {
  expect(rules.length).toBeGreaterThanOrEqual(15);
  expect(rules.length).toBeLessThanOrEqual(30);
});

describe.each(rules.map((r) => [r.file, r] as const))('%s', (_file, rule) => {
  const doc = rule.doc;

  test('has the standard Sigma keys and our conventions', () => {
    for (const key of ['title', 'id', 'status', 'description', 'author', 'date', 'tags', 'logsource', 'detection', 'falsepositives', 'level']) {
      expect(doc).toHaveProperty([key]);
    }
    expect(typeof doc.title).toBe('string');
    expect(doc.title.length).toBeLessThanOrEqual(110);
    expect(doc.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.status).toBe('experimental');
    expect(doc.author).toBe('Watchfloor');
    expect(String(doc.date)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['informational', 'low', 'medium', 'high', 'critical']).toContain(doc.level);
    expect(Array.isArray(doc.falsepositives) && doc.falsepositives.length).toBeGreaterThan(0);
    expect(typeof doc.detection.condition).toBe('string');
  });

  test('is tagged for ATT&CK for ICS with real, current technique ids and ICS tactics', () => {
    expect(doc.tags).toContain('attack.ics');
    for (const tag of doc.tags as string[]) {
      expect(tag).toMatch(/^attack\.[a-z0-9-]+$/);
      const name = tag.slice('attack.'.length);
      if (name === 'ics') continue;
      if (/^t\d{4}$/.test(name)) expect(attackIcsTechnique(name)?.deprecated).toBe(false);
      else expect(ICS_TACTICS.has(name)).toBe(true);
    }
  });

  test('uses only real fields of its log source and only plain modifiers', () => {
    const { product, service } = doc.logsource;
    if (product === 'zeek' && !haveCorpora) return;
    const fields = new Set(knownFields(product, service));
    for (const [name, selection] of Object.entries(doc.detection)) {
      if (name === 'condition') continue;
      for (const map of Array.isArray(selection) ? selection : [selection]) {
        for (const key of Object.keys(map as object)) {
          const [field, ...mods] = key.split('|');
          expect(fields.has(field) ? field : `${field} (not a ${product}/${service} field)`).toBe(field);
          for (const m of mods) expect(ALLOWED_MODIFIERS.has(m) ? m : `${m} (modifier not allowed)`).toBe(m);
        }
      }
    }
  });

  test('matches its examples and not the near misses', () => {
    const ex = EXAMPLES[rule.file];
    expect(ex).toBeDefined();
    expect(ex.match.length).toBeGreaterThan(0);
    expect(ex.miss.length).toBeGreaterThan(0);
    for (const e of ex.match) expect({ event: e, matched: ruleMatches(rule, e) }).toEqual({ event: e, matched: true });
    for (const e of ex.miss) expect({ event: e, matched: ruleMatches(rule, e) }).toEqual({ event: e, matched: false });
  });
});

test('ids and titles are unique', () => {
  expect(new Set(rules.map((r) => r.doc.id)).size).toBe(rules.length);
  expect(new Set(rules.map((r) => r.doc.title)).size).toBe(rules.length);
});

test('every example belongs to a rule file', () => {
  expect(Object.keys(EXAMPLES).sort()).toEqual(rules.map((r) => r.file));
});

test('the matcher refuses what the OT rules must not use', () => {
  const fake = (detection: Record<string, unknown>): Rule => ({ file: 'x', doc: { logsource: { product: 'suricata', service: 'alert' }, detection } });
  const e = eve('x');
  expect(() => ruleMatches(fake({ s: { 'alert.signature|endswith': 'x' }, condition: 's' }), e)).toThrow('endswith');
  expect(() => ruleMatches(fake({ s: { 'alert.signature|contains|all': ['x'] }, condition: 's' }), e)).toThrow('chained');
  expect(() => ruleMatches(fake({ s: { 'alert.signature': 'x' }, condition: '1 of s*' }), e)).toThrow();
});

// Real sensor output: the rules fire on the records they are about, and stay quiet on reads.
(haveCorpora ? describe : describe.skip)('on real Zeek logs from the corpora', () => {
  const base = (p: string) => zeek(`zeek-baselines/testing/btest/Baseline/${p}`);
  const dnp3Logs = ['events', 'dnp3_file_del', 'dnp3_file_read', 'dnp3_file_write', 'dnp3_read', 'dnp3_write', 'dnp3_select_operate', 'dnp3_en_spon']
    .flatMap((d) => tsvRecords(base(`scripts.base.protocols.dnp3.${d}/dnp3.log`), 'dnp3'));
  const modbusLogs = [
    ...tsvRecords(base('scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502/modbus.log'), 'modbus'),
    ...tsvRecords(base('scripts.base.protocols.modbus.exception_handling/modbus.log'), 'modbus'),
    ...tsvRecords(base('scripts.base.protocols.modbus.register_parsing/modbus.log'), 'modbus'),
  ];
  const modbusDetailedLogs = tsvRecords(zeek('icsnpp-modbus/testing/baseline/analyzer.basic/modbus_detailed.log'), 'modbus_detailed');
  const s7Logs = ['snap7', 's7ident', 's7comm_plus'].flatMap((d) => tsvRecords(zeek(`icsnpp-s7comm/tests/baseline/analyzer.${d}/s7comm.log`), 's7comm'));
  const cipLogs = ['basic', 'set_attr_single_service', 'multiple_service_request'].flatMap((d) =>
    tsvRecords(zeek(`icsnpp-enip/tests/baseline/analyzer.${d}/cip.log`), 'cip', CIP_FIELDS),
  );
  const all = [...dnp3Logs, ...modbusLogs, ...modbusDetailedLogs, ...s7Logs, ...cipLogs];
  const hits = (file: string) => all.filter((e) => ruleMatches(byFile(file), e));

  test.each([
    ['zeek_dnp3_restart.yml', 'fc_request', ['COLD_RESTART', 'WARM_RESTART']],
    ['zeek_dnp3_delete_file.yml', 'fc_request', ['DELETE_FILE']],
    ['zeek_dnp3_file_transfer.yml', 'fc_request', ['CLOSE_FILE', 'OPEN_FILE']],
    ['zeek_dnp3_disable_unsolicited.yml', 'fc_request', ['DISABLE_UNSOLICITED']],
    ['zeek_dnp3_stop_application.yml', 'fc_request', ['STOP_APPL']],
    ['zeek_modbus_coil_write.yml', 'func', ['WRITE_SINGLE_COIL']],
    ['zeek_modbus_register_write.yml', 'func', ['WRITE_SINGLE_REGISTER']],
    ['zeek_modbus_exception_response.yml', 'exception', ['ILLEGAL_FUNCTION']],
    ['zeek_s7comm_plc_stop.yml', 'function_name', ['PLC Stop']],
    ['zeek_s7comm_plc_start_stop_service.yml', 'subfunction_code', ['P_PROGRAM']],
    ['zeek_s7comm_block_change.yml', 'subfunction_code', ['_MODU']],
    ['zeek_s7comm_program_upload.yml', 'function_name', ['Start Upload']],
    ['zeek_s7comm_write_variable.yml', 'function_name', ['Write Variable']],
    ['zeek_cip_set_attribute.yml', 'cip_service', ['Set Attribute List', 'Set Attributes Single']],
  ])('%s fires on real %s records %j', (file, field, values) => {
    const found = hits(file);
    expect(found.length).toBeGreaterThan(0);
    expect([...new Set(found.map((e) => e[field]))].sort()).toEqual(values);
  });

  test('the real DIAGNOSTICS record (Return Diagnostic Register) is neither listen-only nor a restart', () => {
    expect(modbusDetailedLogs.some((e) => e.func === 'DIAGNOSTICS')).toBe(true);
    expect(hits('zeek_modbus_force_listen_only.yml')).toEqual([]);
    expect(hits('zeek_modbus_restart_communications.yml')).toEqual([]);
  });

  test('read-only traffic raises nothing', () => {
    const reads = all.filter((e) =>
      ['READ', 'READ_COILS', 'READ_HOLDING_REGISTERS', 'READ_INPUT_REGISTERS', 'Read Variable', 'Get Attribute List'].includes(
        String(e.fc_request ?? e.func ?? e.function_name ?? e.cip_service),
      ) && !e.exception,
    );
    expect(reads.length).toBeGreaterThan(20);
    const noisy = reads.filter((e) => rules.some((r) => ruleMatches(r, e)));
    expect(noisy).toEqual([]);
  });
});

(fs.existsSync(path.join(corpora, 'ics/quickdraw-snort')) ? describe : describe.skip)('on Quickdraw ICS signature names', () => {
  const msgs = [...fs.readFileSync(path.join(corpora, 'ics/quickdraw-snort/all-quickdraw.rules'), 'utf8').matchAll(/msg:\s*"([^"]+)"/g)].map((m) => m[1]);
  const catchAll = byFile('suricata_ics_protocol_alert.yml');

  test('every Modbus, DNP3, EtherNet/IP, S7, BACnet, Modicon, Fox and OMRON signature is caught by the catch-all', () => {
    expect(msgs.length).toBeGreaterThan(50);
    const icsNamed = msgs.filter((m) => /modbus|dnp3|ethernet\/ip|s7 |bacnet|modicon|fox|omron/i.test(m));
    const missed = icsNamed.filter((m) => !ruleMatches(catchAll, eve(m)));
    expect(missed).toEqual([]);
  });

  test('scans and restarts from Quickdraw land in the specific rules', () => {
    const recon = msgs.filter((m) => ruleMatches(byFile('suricata_ics_reconnaissance.yml'), eve(m)));
    const restart = msgs.filter((m) => ruleMatches(byFile('suricata_ics_restart_or_stop.yml'), eve(m)));
    expect(recon).toEqual(expect.arrayContaining(['SCADA_IDS: Modbus TCP - Function Code Scan', 'SCADA_IDS: DNP3 - Points List Scan']));
    expect(restart).toEqual(expect.arrayContaining(['SCADA_IDS: DNP3 - Cold Restart From Authorized Client', 'SCADA_IDS: DNP3 - Warm Restart']));
    expect(restart).not.toContain('SCADA_IDS: DNP3 - Unsolicited Response Storm');
  });
});
