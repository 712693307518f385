import { assets, conduits, flow, modbusWrite, zones } from './__fixtures__/plant';
import { applyMaintenance } from './maintenance';
import { compileOtContext } from './ot-context';
import { evaluateOtDetections } from './ot-detections';
import { MaintenanceWindow, OtFinding } from './ot-types';

const compiled = compileOtContext({ zones, conduits, assets });
if (!compiled.ok) throw new Error(compiled.errors.join('; '));
const ctx = compiled.context;
const findingOf = (detection: OtFinding['detection'], e = modbusWrite('10.10.7.23', '10.30.1.11')) =>
  evaluateOtDetections(ctx, e).find((f) => f.detection === detection)!;

const window = (over: Partial<MaintenanceWindow>): MaintenanceWindow => ({
  id: 'mw-1',
  zoneIds: [],
  assetIds: [],
  startsAt: new Date('2026-03-02T08:00:00Z'),
  endsAt: new Date('2026-03-02T12:00:00Z'),
  changeTicket: 'CHG-1042',
  ...over,
});
const at = new Date('2026-03-02T10:00:00Z');

describe('applyMaintenance', () => {
  test('a control write to an asset under planned work is marked and lowered', () => {
    const f = findingOf('control_write');
    const out = applyMaintenance(f, [window({ assetIds: ['a-plc'] })], at);
    expect(out.severity).toBe('LOW');
    expect(out.maintenance).toEqual({ windowId: 'mw-1', changeTicket: 'CHG-1042' });
    expect(out.details.severityBeforeMaintenance).toBe('HIGH');
    expect(f.severity).toBe('HIGH'); // the input is not mutated
  });

  test('a window on the target zone covers remote access into it', () => {
    const f = findingOf('remote_access', flow({ srcIp: '10.10.7.23', dstIp: '10.30.0.20', dstPort: 3389 }));
    expect(applyMaintenance(f, [window({ zoneIds: ['z-scada'] })], at).maintenance?.windowId).toBe('mw-1');
  });

  test.each<[string, Partial<MaintenanceWindow>, Date]>([
    ['another zone', { zoneIds: ['z-scada'] }, at],
    ['the source zone, not the target', { zoneIds: ['z-corp'] }, at],
    ['another asset', { assetIds: ['a-hmi'] }, at],
    ['before the window', { assetIds: ['a-plc'] }, new Date('2026-03-02T07:59:59Z')],
    ['at the end instant (half-open window)', { assetIds: ['a-plc'] }, new Date('2026-03-02T12:00:00Z')],
    ['an invalid window time', { assetIds: ['a-plc'], endsAt: new Date('nope') }, at],
  ])('no effect for %s', (_label, over, when) => {
    const f = findingOf('control_write');
    expect(applyMaintenance(f, [window(over)], when)).toBe(f);
  });

  test('other detections are never downgraded', () => {
    const f = findingOf('segmentation_violation');
    expect(applyMaintenance(f, [window({ zoneIds: ['z-cell'], assetIds: ['a-plc'] })], at)).toBe(f);
  });

  test('the earliest-starting covering window is cited', () => {
    const f = findingOf('control_write');
    const out = applyMaintenance(
      f,
      [
        window({ id: 'mw-late', assetIds: ['a-plc'], startsAt: new Date('2026-03-02T09:00:00Z'), changeTicket: 'CHG-2' }),
        window({ id: 'mw-early', zoneIds: ['z-cell'], startsAt: new Date('2026-03-02T06:00:00Z'), changeTicket: null }),
      ],
      at,
    );
    expect(out.maintenance).toEqual({ windowId: 'mw-early', changeTicket: null });
  });
});
