// Golden tests for native (already normalized) records.
import type { ParseOptions } from './normalized-event';
import { parseRecord, parseTextLine } from './parse-record';

const RECEIVED_AT = new Date('2026-01-15T12:00:00Z');
const OPTS: ParseOptions = { format: 'auto', receivedAt: RECEIVED_AT };

describe('native golden records', () => {
  it('a full native record maps field for field; the OT operation is derived when not given', () => {
    const record = {
      schema: 'watchfloor.event/v1', id: 'acme-000123', ts: '2024-06-13T12:00:00.123Z',
      sourceProduct: 'Acme-OT', sourceLog: 'alerts', eventClass: 'alert', category: 'ids', severity: 'high',
      srcIp: '10.10.1.5', srcPort: 50122, dstIp: '10.20.0.10', dstPort: 502, transport: 'TCP', appProtocol: 'modbus',
      signature: 'Write to safety PLC', signatureId: 'ACME-7', attackIds: ['t0855', 'T0855'], tags: ['attack.t0836', 'ot'],
      otFunction: 'WRITE_SINGLE_COIL', otUnitId: 7,
      vendorExtra: { anything: [1, 2, 3] },
    };
    expect(parseRecord(record, OPTS)).toEqual({
      ok: true,
      event: {
        ts: new Date('2024-06-13T12:00:00.123Z'), tsFromSource: true,
        sourceFormat: 'native', sourceProduct: 'acme-ot', sourceLog: 'alerts',
        eventClass: 'alert', category: 'ids', severity: 'HIGH',
        srcIp: '10.10.1.5', srcPort: 50122, dstIp: '10.20.0.10', dstPort: 502,
        transport: 'tcp', appProtocol: 'modbus', communityId: null,
        signature: 'Write to safety PLC', signatureId: 'ACME-7', attackIds: ['T0855', 'T0836'],
        otProtocol: 'modbus', otFunction: 'WRITE_SINGLE_COIL', otFunctionCode: 5, otUnitId: 7, otOperation: 'write',
        message: 'Write to safety PLC', sensorEventId: 'acme-000123', raw: record,
      },
    });
  });

  it('a minimal record: product from the sensor, ts from receivedAt, epoch-millisecond ts accepted', () => {
    const minimal = parseRecord({ eventClass: 'auth', severity: 'LOW' }, { ...OPTS, format: 'native', sensorProduct: 'badge-reader' });
    expect(minimal.ok && [minimal.event.sourceProduct, minimal.event.sourceLog, minimal.event.ts, minimal.event.tsFromSource, minimal.event.category])
      .toEqual(['badge-reader', 'native', RECEIVED_AT, false, null]);
    const epoch = parseTextLine('{"schema":"watchfloor.event/v1","ts":1718280000123,"product":"x","eventClass":"flow","severity":"INFO"}', OPTS);
    expect(epoch.ok && epoch.event.ts.toISOString()).toBe('2024-06-13T12:00:00.123Z');
  });

  it.each([
    [{ schema: 'watchfloor.event/v2', product: 'x', eventClass: 'alert', severity: 'LOW' }, 'native: schema string "watchfloor.event/v2" is not watchfloor.event/v1'],
    [{ product: 'x', eventClass: 'alert', severity: 'SEVERE' }, 'native: severity must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL, got string "SEVERE"'],
    [{ product: 'x', severity: 'LOW' }, 'native: eventClass is missing'],
    [{ eventClass: 'alert', severity: 'LOW' }, 'native: sourceProduct is missing (and the sensor declared no product)'],
    [{ product: 'x', eventClass: 'alert', severity: 'LOW', attackIds: ['TA0001'] }, 'native: attackIds[0] string "TA0001" is not an ATT&CK technique id'],
    [{ product: 'x', eventClass: 'alert', severity: 'LOW', otOperation: 'explode' }, 'native: otOperation must be one of read, write, program, control, diagnostic, other, got string "explode"'],
    [{ product: 'x', eventClass: 'alert', severity: 'LOW', ts: '2024-13-01T00:00:00Z' }, 'native: ts "2024-13-01T00:00:00Z" is not a valid date'],
    [{ product: 'x', eventClass: 'alert', severity: 'LOW', dstPort: 1.5 }, 'native: dstPort 1.5 is outside 0..65535'],
    [{ product: 'x', eventClass: 'Alert Class', severity: 'LOW' }, 'native: eventClass "Alert Class" must be lower-case letters, digits, \'_\', \'.\' or \'-\''],
  ])('rejects %j', (record, error) => {
    expect(parseRecord(record, { ...OPTS, format: 'native' })).toEqual({ ok: false, error });
  });
});
