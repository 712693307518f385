import { assets, conduits, zones } from './__fixtures__/plant';
import { compileOtContext } from './ot-context';
import { parseIp } from '../ip-address';
import { OtSettings } from './ot-types';

describe('compileOtContext', () => {
  test('compiles the fixture and answers lookups', () => {
    const r = compileOtContext({ zones, conduits, assets });
    if (!r.ok) throw new Error(r.errors.join('; '));
    const c = r.context;
    expect(c.zoneOf(parseIp('10.30.1.5')!)?.id).toBe('z-cell');
    expect(c.zoneOf(parseIp('10.30.0.200')!)?.id).toBe('z-safety');
    expect(c.zoneOf(parseIp('2001:db8:30:ffff::1')!)?.id).toBe('z-scada');
    expect(c.zoneOf(parseIp('172.16.0.1')!)).toBeUndefined();
    expect(c.assetAt(parseIp('10.30.1.11')!)?.id).toBe('a-plc');
    expect(c.assetAt(parseIp('::ffff:10.30.1.11')!)?.id).toBe('a-plc');
    expect(c.conduitsBetween('z-ops', 'z-corp').map((x) => x.id)).toEqual(['c-corp-ops-443']);
    expect(c.conduitsBetween('z-cell', 'z-scada')).toEqual([]);
    expect(c.enabled).toEqual({ segmentation_violation: true, control_write: true, remote_access: true, unknown_host: true, sensor_silence: true });
    expect(c.allowConduitPeers).toBe(true);
    expect(c.warnings).toEqual([]);
  });

  test('reports every problem at once, with what is wrong', () => {
    const settings = {
      detections: { control_write: { severity: 'URGENT' }, port_scan: { enabled: true } },
      controlWrite: { allowedSources: [{ zoneId: 'z-nope', sources: ['10.0.0.0/99'] }, { assetId: 'a-plc' }] },
      remoteAccess: { allowedSources: [{ sourceZoneIds: ['z-ghost'] }] },
      sensorSilence: { missedIntervals: 0 },
    } as unknown as OtSettings;
    const r = compileOtContext({
      zones: [
        ...zones,
        { id: 'z-dup', name: 'Duplicate', purdueLevel: 2, cidrs: ['10.30.1.0/24'] },
        { id: 'z-bad', name: 'Typo zone', purdueLevel: 7, cidrs: ['10.300.0.0/16'] },
      ],
      conduits: [...conduits, { id: 'c-x', fromZoneId: 'z-ops', toZoneId: 'z-missing', protocol: 'tcp', ports: [70000] }],
      assets: [...assets, { id: 'a-bad', name: 'Bad IP', ip: '10.30.1', purdueLevel: 1, criticality: 'LOW', zoneId: 'z-cell' }],
      settings,
    });
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        'zones "Pump station cell" and "Duplicate" both claim the same CIDR',
        'zone "Typo zone": Purdue level must be an integer 0..5, got 7',
        'zone "Typo zone": "10.300.0.0/16" is not an IPv4 or IPv6 address or CIDR',
        'conduit "c-x": unknown zone "z-missing"',
        'conduit "c-x": ports must be integers 0..65535 or null for any port',
        'asset "Bad IP": "10.30.1" is not an IP address',
        'settings.detections.control_write.severity: "URGENT" is not a severity',
        'settings.detections: unknown detection "port_scan"',
        'settings.controlWrite.allowedSources[0]: unknown target zone "z-nope"',
        'settings.controlWrite.allowedSources[0]: source "10.0.0.0/99": prefix /99 is longer than 32 bits',
        'settings.controlWrite.allowedSources[1]: lists no sources',
        'settings.remoteAccess.allowedSources[0]: unknown source zone "z-ghost"',
        'settings.sensorSilence.missedIntervals must be at least 1',
      ]),
    );
    expect(errors).toHaveLength(13);
  });

  test('two assets on one address: a warning, the lower id wins whatever the input order', () => {
    const twins = [
      { id: 'a-2', name: 'Second', ip: '10.30.1.40', purdueLevel: 1, criticality: 'LOW' as const, zoneId: 'z-cell' },
      { id: 'a-1', name: 'First', ip: '10.30.1.40', purdueLevel: 1, criticality: 'LOW' as const, zoneId: 'z-cell' },
    ];
    for (const order of [twins, [...twins].reverse()]) {
      const r = compileOtContext({ zones, conduits, assets: order });
      if (!r.ok) throw new Error(r.errors.join('; '));
      expect(r.context.assetAt(parseIp('10.30.1.40')!)?.id).toBe('a-1');
      expect(r.context.warnings).toEqual(['assets "First" and "Second" share 10.30.1.40; "First" is used']);
    }
  });

  test('an asset outside every CIDR still belongs to the zone it names', () => {
    const r = compileOtContext({
      zones,
      conduits,
      assets: [{ id: 'a-rtu', name: 'Remote RTU', ip: '172.20.0.9', purdueLevel: 1, criticality: 'HIGH', zoneId: 'z-cell' }],
    });
    expect(r.ok).toBe(true);
  });

  test('empty or missing parts compile to an empty model rather than throwing', () => {
    const r = compileOtContext({ zones: undefined as never, conduits: [], assets: [] });
    expect(r.ok).toBe(true);
  });
});
