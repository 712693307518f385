// Common start and finish for every parser, so all events have the same shape and the same
// derived fields (OT protocol from the app protocol, OT operation from the function).
import type { NormalizedEvent, SourceFormat } from './normalized-event';
import { OT_PROTOCOLS, classifyOtFunction } from './ot-functions';
import type { JsonObject } from './record-fields';

export function newEvent(sourceFormat: SourceFormat, raw: JsonObject, receivedAt: Date): NormalizedEvent {
  return {
    ts: receivedAt,
    tsFromSource: false,
    sourceFormat,
    sourceProduct: sourceFormat,
    sourceLog: sourceFormat,
    eventClass: 'other',
    category: null,
    severity: 'INFO',
    srcIp: null,
    srcPort: null,
    dstIp: null,
    dstPort: null,
    transport: null,
    appProtocol: null,
    communityId: null,
    signature: null,
    signatureId: null,
    attackIds: [],
    otProtocol: null,
    otFunction: null,
    otFunctionCode: null,
    otUnitId: null,
    otOperation: null,
    message: null,
    sensorEventId: null,
    raw,
  };
}

/** Fills what can be derived: an OT app protocol names the OT protocol; a known function gets its code and operation. */
export function finishEvent(e: NormalizedEvent): NormalizedEvent {
  if (e.otProtocol === null && e.appProtocol !== null && OT_PROTOCOLS.has(e.appProtocol)) e.otProtocol = e.appProtocol;
  if (e.otProtocol !== null && e.otOperation === null && (e.otFunction !== null || e.otFunctionCode !== null)) {
    const c = classifyOtFunction(e.otProtocol, e.otFunction, e.otFunctionCode);
    if (e.otFunctionCode === null) e.otFunctionCode = c.code;
    e.otOperation = c.operation;
  }
  return e;
}
