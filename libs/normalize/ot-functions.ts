// OT function tables and the read/write/program/control/diagnostic/other classification
// (docs/event-schema.md, "OT operation classification"). Names follow what the sensors print:
// Zeek and ICSNPP upper-snake names, Suricata's names, CIP/S7 service names.
import { lookupTable } from './lookup-table';
import type { OtOperation } from './normalized-event';

export const OT_PROTOCOLS = new Set(['modbus', 'dnp3', 'enip', 's7comm', 's7comm_plus', 'bacnet', 'iec104', 'opcua', 'profinet', 'mms', 'goose', 'cotp']);

// ---------------------------------------------------------------- Modbus
const MODBUS_NAMES: Record<number, string> = {
  1: 'READ_COILS', 2: 'READ_DISCRETE_INPUTS', 3: 'READ_HOLDING_REGISTERS', 4: 'READ_INPUT_REGISTERS',
  5: 'WRITE_SINGLE_COIL', 6: 'WRITE_SINGLE_REGISTER', 7: 'READ_EXCEPTION_STATUS', 8: 'DIAGNOSTICS',
  9: 'PROGRAM_484', 10: 'POLL_484', 11: 'GET_COMM_EVENT_COUNTER', 12: 'GET_COMM_EVENT_LOG',
  13: 'PROGRAM_CONTROLLER', 14: 'POLL_CONTROLLER', 15: 'WRITE_MULTIPLE_COILS', 16: 'WRITE_MULTIPLE_REGISTERS',
  17: 'REPORT_SLAVE_ID', 18: 'PROGRAM_884_M84', 19: 'RESET_COMM_LINK', 20: 'READ_FILE_RECORD',
  21: 'WRITE_FILE_RECORD', 22: 'MASK_WRITE_REGISTER', 23: 'READ_WRITE_MULTIPLE_REGISTERS', 24: 'READ_FIFO_QUEUE',
  43: 'ENCAP_INTERFACE_TRANSPORT', 90: 'UMAS',
};

// Suricata (sawp-modbus) prints its own short names.
const SURICATA_MODBUS = lookupTable<number>({
  RdCoils: 1, RdDiscreteInputs: 2, RdHoldRegs: 3, RdInputRegs: 4, WrSingleCoil: 5, WrSingleReg: 6,
  RdExcStatus: 7, Diagnostic: 8, Program484: 9, Poll484: 10, GetCommEventCtr: 11, GetCommEventLog: 12,
  ProgramController: 13, PollController: 14, WrMultCoils: 15, WrMultRegs: 16, ReportServerID: 17,
  Program884: 18, ResetCommLink: 19, RdFileRec: 20, WrFileRec: 21, MaskWrReg: 22, RdWrMultRegs: 23,
  RdFIFOQueue: 24, MEI: 43,
});

const MODBUS_CODES_BY_NAME = lookupTable<number>({
  REPORT_SERVER_ID: 17, READ_DEVICE_IDENTIFICATION: 43,
  ...Object.fromEntries(Object.entries(MODBUS_NAMES).map(([code, name]) => [name, Number(code)])),
});

const UNKNOWN_N = /^unknown-(\d{1,5})$/i;
const HEX_CODE = /^0x([0-9a-f]{1,4})$/i;
const UNDERSCORES = /_/g;
const DECIMAL_CODE = /^\d{1,5}$/;
const SPACES_OR_DASHES = /[ -]/g;

/** "unknown-100" (decimal, as Zeek and Suricata print unnamed codes) or "0x64". */
function codeFromUnknownOrHex(name: string): number | null {
  const unknown = UNKNOWN_N.exec(name);
  if (unknown !== null) return Number(unknown[1]);
  const hex = HEX_CODE.exec(name);
  return hex === null ? null : parseInt(hex[1], 16);
}

/** Modbus function code from a Zeek/ICSNPP name ("WRITE_MULTIPLE_REGISTERS", "READ_COILS_EXCEPTION", "unknown-100") or a Suricata name ("WrMultRegs"). */
export function modbusCodeFromName(name: string): number | null {
  const direct = MODBUS_CODES_BY_NAME[name] ?? SURICATA_MODBUS[name];
  if (direct !== undefined) return direct;
  if (name.endsWith('_EXCEPTION')) {
    const base = MODBUS_CODES_BY_NAME[name.slice(0, -'_EXCEPTION'.length)];
    return base === undefined ? null : base | 0x80;
  }
  const n = codeFromUnknownOrHex(name);
  return n !== null && n <= 255 ? n : null;
}

export function modbusNameFromCode(code: number): string {
  const base = MODBUS_NAMES[code & 0x7f];
  if (base === undefined) return `unknown-${code}`;
  return code >= 0x80 ? `${base}_EXCEPTION` : base;
}

/** Exception responses (code | 0x80) are classed like the function they answer. */
export function classifyModbus(code: number): OtOperation {
  switch (code & 0x7f) {
    case 1: case 2: case 3: case 4: case 20: case 24:
      return 'read';
    case 5: case 6: case 15: case 16: case 21: case 22: case 23:
      return 'write';
    case 7: case 8: case 11: case 12: case 17: case 43:
      return 'diagnostic';
    case 9: case 13: case 18: case 90: case 126:
      return 'program'; // legacy Modicon programming and Schneider UMAS (0x5A)
    case 19:
      return 'control';
    default:
      return 'other';
  }
}

// ---------------------------------------------------------------- DNP3
const DNP3_NAMES: Record<number, string> = {
  0: 'CONFIRM', 1: 'READ', 2: 'WRITE', 3: 'SELECT', 4: 'OPERATE', 5: 'DIRECT_OPERATE', 6: 'DIRECT_OPERATE_NR',
  7: 'IMMED_FREEZE', 8: 'IMMED_FREEZE_NR', 9: 'FREEZE_CLEAR', 10: 'FREEZE_CLEAR_NR', 11: 'FREEZE_AT_TIME',
  12: 'FREEZE_AT_TIME_NR', 13: 'COLD_RESTART', 14: 'WARM_RESTART', 15: 'INITIALIZE_DATA', 16: 'INITIALIZE_APPL',
  17: 'START_APPL', 18: 'STOP_APPL', 19: 'SAVE_CONFIG', 20: 'ENABLE_UNSOLICITED', 21: 'DISABLE_UNSOLICITED',
  22: 'ASSIGN_CLASS', 23: 'DELAY_MEASURE', 24: 'RECORD_CURRENT_TIME', 25: 'OPEN_FILE', 26: 'CLOSE_FILE',
  27: 'DELETE_FILE', 28: 'GET_FILE_INFO', 29: 'AUTHENTICATE_FILE', 30: 'ABORT_FILE', 31: 'ACTIVATE_CONFIG',
  32: 'AUTHENTICATE_REQ', 33: 'AUTH_REQ_NO_ACK', 129: 'RESPONSE', 130: 'UNSOLICITED_RESPONSE', 131: 'AUTHENTICATE_RESP',
};
const DNP3_CODES = lookupTable<number>(Object.fromEntries(Object.entries(DNP3_NAMES).map(([code, name]) => [name, Number(code)])));

export function dnp3CodeFromName(name: string): number | null {
  const code = DNP3_CODES[name.toUpperCase()];
  if (code !== undefined) return code;
  return codeFromUnknownOrHex(name);
}

export function dnp3NameFromCode(code: number): string {
  return DNP3_NAMES[code] ?? `unknown-${code}`;
}

export function classifyDnp3(code: number): OtOperation {
  if (code === 1) return 'read';
  if (code === 2 || code === 22 || code === 27) return 'write'; // WRITE, ASSIGN_CLASS, DELETE_FILE
  if (code >= 3 && code <= 18) return 'control'; // select/operate, freezes, restarts, application start/stop
  if (code === 19 || code === 31) return 'program'; // SAVE_CONFIG, ACTIVATE_CONFIG
  if (code === 20 || code === 21) return 'control'; // enable/disable unsolicited reporting
  if (code === 23 || code === 24) return 'diagnostic'; // time sync helpers
  return 'other'; // confirms, responses, file transfer plumbing, authentication
}

// ---------------------------------------------------------------- EtherNet/IP and CIP
const CIP_SERVICES: Record<number, string> = {
  0x01: 'Get Attributes All', 0x02: 'Set Attributes All', 0x03: 'Get Attribute List', 0x04: 'Set Attribute List',
  0x05: 'Reset', 0x06: 'Start', 0x07: 'Stop', 0x08: 'Create', 0x09: 'Delete', 0x0a: 'Multiple Service Packet',
  0x0d: 'Apply Attributes', 0x0e: 'Get Attribute Single', 0x10: 'Set Attribute Single', 0x11: 'Find Next Object Instance',
  0x14: 'Error Response', 0x15: 'Restore', 0x16: 'Save', 0x17: 'No Operation', 0x18: 'Get Member', 0x19: 'Set Member',
  0x1a: 'Insert Member', 0x1b: 'Remove Member', 0x1c: 'Group Sync',
  0x4b: 'Execute PCCC', 0x4c: 'Read Tag', 0x4d: 'Write Tag', 0x4e: 'Read Modify Write Tag', 0x52: 'Read Tag Fragmented',
  0x53: 'Write Tag Fragmented', 0x54: 'Forward Open', 0x5b: 'Large Forward Open',
};
// Other spellings sensors print (Suricata: "Get Attributes Single", "Read Data"; ICSNPP: "Set Attributes Single").
const CIP_CODES = lookupTable<number>({
  'get attributes single': 0x0e, 'set attributes single': 0x10, 'read data': 0x4c, 'write data': 0x4d,
  'read write modify data': 0x4e, 'read data fragmented': 0x52, 'write data fragmented': 0x53, 'execute pccc service': 0x4b,
  'no forward open': 0x17,
  ...Object.fromEntries(Object.entries(CIP_SERVICES).map(([code, name]) => [name.toLowerCase(), Number(code)])),
});

export function cipCodeFromName(name: string): number | null {
  const code = CIP_CODES[name.toLowerCase().replace(UNDERSCORES, ' ')];
  return code !== undefined ? code : codeFromUnknownOrHex(name);
}

export function cipNameFromCode(code: number): string | null {
  return CIP_SERVICES[code & 0x7f] ?? null;
}

/** Responses carry the request service | 0x80 and are classed like the request. */
export function classifyCip(code: number): OtOperation {
  switch (code & 0x7f) {
    case 0x01: case 0x03: case 0x0e: case 0x11: case 0x18: case 0x4c: case 0x52:
      return 'read';
    case 0x02: case 0x04: case 0x08: case 0x09: case 0x0d: case 0x10: case 0x15: case 0x19: case 0x1a: case 0x1b:
    case 0x4d: case 0x4e: case 0x53:
      return 'write';
    case 0x05: case 0x06: case 0x07:
      return 'control'; // Reset, Start, Stop
    default:
      return 'other';
  }
}

const ENIP_COMMANDS = lookupTable<number>({
  nop: 0x00, list_services: 0x04, list_identity: 0x63, list_interfaces: 0x64, register_session: 0x65,
  unregister_session: 0x66, send_rr_data: 0x6f, send_unit_data: 0x70, indicate_status: 0x72, cancel: 0x73,
});

/** ENIP encapsulation command code from "list_identity", "List Identity" or "0x63". */
export function enipCommandCode(name: string): number | null {
  const code = ENIP_COMMANDS[name.toLowerCase().replace(SPACES_OR_DASHES, '_')];
  return code !== undefined ? code : codeFromUnknownOrHex(name);
}

export function classifyEnipCommand(code: number): OtOperation {
  return code === 0x04 || code === 0x63 || code === 0x64 ? 'diagnostic' : 'other';
}

// ---------------------------------------------------------------- S7comm / S7comm-plus
const S7_BY_NAME = lookupTable<OtOperation>({
  'read variable': 'read', 'write variable': 'write',
  'request download': 'program', 'download block': 'program', 'download ended': 'program',
  'start upload': 'program', 'upload': 'program', 'end upload': 'program',
  'plc control': 'control', 'plc stop': 'control', 'setup communication': 'other',
  // user-data sub-functions
  'read szl': 'diagnostic', 'list blocks': 'diagnostic', 'list blocks of type': 'diagnostic', 'get block info': 'diagnostic',
  'read clock': 'diagnostic', 'set clock': 'control', 'force': 'write', 'delete': 'program',
  // S7comm-plus
  'get variable': 'read', 'get multi variables': 'read', 'set variable': 'write', 'set multi variables': 'write',
  'explore': 'diagnostic', 'create object': 'program', 'delete object': 'program',
});
const S7_CODES: Record<number, OtOperation> = {
  0x04: 'read', 0x05: 'write', 0x1a: 'program', 0x1b: 'program', 0x1c: 'program', 0x1d: 'program', 0x1e: 'program',
  0x1f: 'program', 0x28: 'control', 0x29: 'control', 0xf0: 'other',
};

export function classifyS7(name: string | null, code: number | null): OtOperation {
  if (name !== null) {
    const byName = S7_BY_NAME[name.toLowerCase()];
    if (byName !== undefined) return byName;
  }
  if (code !== null) return S7_CODES[code] ?? 'other';
  return 'other';
}

/** Parses "0x1d"-style hex codes (ICSNPP) and plain decimals. */
export function parseCode(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  if (typeof v !== 'string') return null;
  const hex = HEX_CODE.exec(v);
  if (hex !== null) return parseInt(hex[1], 16);
  if (DECIMAL_CODE.test(v)) {
    const n = Number(v);
    return n <= 0xffff ? n : null;
  }
  return null;
}

/**
 * Classification for any protocol given a function name and/or code; used by native records and
 * as the single entry for parsers that only know a protocol and a function.
 */
export function classifyOtFunction(protocol: string, name: string | null, code: number | null): { code: number | null; operation: OtOperation | null } {
  switch (protocol) {
    case 'modbus': {
      const c = code ?? (name !== null ? modbusCodeFromName(name) : null);
      return { code: c, operation: c === null ? (name === null ? null : 'other') : classifyModbus(c) };
    }
    case 'dnp3': {
      const c = code ?? (name !== null ? dnp3CodeFromName(name) : null);
      return { code: c, operation: c === null ? (name === null ? null : 'other') : classifyDnp3(c) };
    }
    case 'enip': {
      const c = code ?? (name !== null ? cipCodeFromName(name) : null);
      if (c !== null) return { code: c, operation: classifyCip(c) };
      const cmd = name !== null ? enipCommandCode(name) : null;
      if (cmd !== null) return { code: cmd, operation: classifyEnipCommand(cmd) };
      return { code: null, operation: name === null ? null : 'other' };
    }
    case 's7comm':
    case 's7comm_plus':
      if (name === null && code === null) return { code: null, operation: null };
      return { code, operation: classifyS7(name, code) };
    default:
      return { code, operation: name === null && code === null ? null : 'other' };
  }
}
