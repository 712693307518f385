// Watchfloor's own normalized form as JSON, for sensors that already normalize. The field names
// are the NormalizedEvent names; docs/event-schema.md ("native") lists what is required.
import { MAX_ATTACK_IDS, collectTechniqueIds, techniqueId } from './attack-ids';
import { finishEvent, newEvent } from './event-builder';
import { OT_OPERATIONS, SEVERITIES } from './normalized-event';
import type { NormalizedEvent, OtOperation, ParseOptions, Severity } from './normalized-event';
import {
  JsonObject, RecordError, describe, messageText, optAppProtocol, optInt, optIp, optPort, optText, optTransport, reqText,
} from './record-fields';
import { epochMillisToDate, parseIsoTimestamp } from './timestamps';

export const NATIVE_SCHEMA = 'watchfloor.event/v1';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

function name(v: unknown, field: string): string | null {
  const s = optText(v, field, 64);
  if (s === null) return null;
  const lower = s.toLowerCase();
  if (!NAME.test(lower)) throw new RecordError(`${field} ${JSON.stringify(s)} must be lower-case letters, digits, '_', '.' or '-'`);
  return lower;
}

export function normalizeNativeEvent(record: JsonObject, opts: ParseOptions): NormalizedEvent {
  if (record.schema !== undefined && record.schema !== NATIVE_SCHEMA) {
    throw new RecordError(`schema ${describe(record.schema)} is not ${NATIVE_SCHEMA}`);
  }
  const e = newEvent('native', record, opts.receivedAt);

  const product = name(record.sourceProduct ?? record.product, 'sourceProduct') ?? (opts.sensorProduct !== undefined ? name(opts.sensorProduct, 'sensorProduct') : null);
  if (product === null) throw new RecordError('sourceProduct is missing (and the sensor declared no product)');
  e.sourceProduct = product;
  e.sourceLog = name(record.sourceLog, 'sourceLog') ?? 'native';
  e.eventClass = name(reqText(record.eventClass, 'eventClass', 64), 'eventClass') as string;
  e.category = name(record.category, 'category');

  const severity = typeof record.severity === 'string' ? record.severity.toUpperCase() : record.severity;
  if (!SEVERITIES.includes(severity as Severity)) {
    throw new RecordError(`severity must be one of ${SEVERITIES.join(', ')}, got ${describe(record.severity)}`);
  }
  e.severity = severity as Severity;

  if (record.ts !== undefined && record.ts !== null) {
    if (typeof record.ts === 'number') e.ts = epochMillisToDate(record.ts, 'ts');
    else if (typeof record.ts === 'string') e.ts = parseIsoTimestamp(record.ts, 'ts');
    else throw new RecordError(`ts must be an ISO 8601 string or epoch milliseconds, got ${describe(record.ts)}`);
    e.tsFromSource = true;
  }

  e.srcIp = optIp(record.srcIp, 'srcIp');
  e.srcPort = optPort(record.srcPort, 'srcPort');
  e.dstIp = optIp(record.dstIp, 'dstIp');
  e.dstPort = optPort(record.dstPort, 'dstPort');
  e.transport = optTransport(record.transport, 'transport');
  e.appProtocol = optAppProtocol(record.appProtocol, 'appProtocol');
  e.communityId = optText(record.communityId, 'communityId', 128);
  e.signature = optText(record.signature, 'signature');
  e.signatureId = optText(record.signatureId, 'signatureId', 256);
  e.message = messageText(record.message, 'message') ?? e.signature;
  e.sensorEventId = optText(record.id, 'id', 256);

  if (record.attackIds !== undefined && record.attackIds !== null) {
    if (!Array.isArray(record.attackIds)) throw new RecordError('attackIds must be an array of ATT&CK technique ids');
    if (record.attackIds.length > MAX_ATTACK_IDS) throw new RecordError(`attackIds has more than ${MAX_ATTACK_IDS} entries`);
    record.attackIds.forEach((id, i) => {
      const t = typeof id === 'string' ? techniqueId(id) : null;
      if (t === null) throw new RecordError(`attackIds[${i}] ${describe(id)} is not an ATT&CK technique id`);
      if (!e.attackIds.includes(t)) e.attackIds.push(t);
    });
  }
  if (Array.isArray(record.tags)) collectTechniqueIds(record.tags, e.attackIds);

  e.otProtocol = name(record.otProtocol, 'otProtocol');
  e.otFunction = optText(record.otFunction, 'otFunction', 128);
  e.otFunctionCode = optInt(record.otFunctionCode, 'otFunctionCode', 0, 65535);
  e.otUnitId = optInt(record.otUnitId, 'otUnitId', 0, 65535);
  if (record.otOperation !== undefined && record.otOperation !== null) {
    if (!OT_OPERATIONS.includes(record.otOperation as OtOperation)) {
      throw new RecordError(`otOperation must be one of ${OT_OPERATIONS.join(', ')}, got ${describe(record.otOperation)}`);
    }
    e.otOperation = record.otOperation as OtOperation;
  }
  return finishEvent(e);
}
