import { alert, plantAssets } from './__fixtures__/incidents';
import { incidentSeverity } from './incident-severity';
import {
  aggregateAssets,
  aggregateTechniques,
  alertTimeRange,
  countBySeverity,
  distinctSources,
  incidentSummary,
  incidentTitle,
  leadAlert,
} from './incident-text';
import { IncidentZoneView } from './incident-types';

const zones: IncidentZoneView[] = [
  { id: 'z-corp', name: 'Corporate IT', purdueLevel: 4 },
  { id: 'z-cell', name: 'Pump station cell', purdueLevel: 1 },
];
const at = (min: number) => new Date(Date.UTC(2026, 2, 2, 10, min));

describe('incidentTitle', () => {
  test('a Sigma alert: rule title, target asset and source zone host', () => {
    const a = alert({ dstAssetId: 'a-plc', srcZoneId: 'z-corp', dstZoneId: 'z-cell' });
    expect(incidentTitle({ alerts: [a], assets: plantAssets, zones })).toBe(
      'Modbus Coil Write on Pump station PLC (10.30.1.11) from Corporate IT host 10.10.7.23',
    );
  });

  test('an OT finding carries its own sentence', () => {
    const a = alert({ summary: 'Unauthorised Modbus write to Pump station PLC (10.30.1.11) from Corporate IT host 10.10.7.23', dstAssetId: 'a-plc' });
    expect(incidentTitle({ alerts: [a], assets: plantAssets })).toBe(
      'Unauthorised Modbus write to Pump station PLC (10.30.1.11) from Corporate IT host 10.10.7.23',
    );
    const b = alert({ id: 'al-2', dstAssetId: 'a-hmi', dstIp: '10.30.0.20' });
    expect(incidentTitle({ alerts: [a, b], assets: plantAssets })).toMatch(/\(and 1 other target\)$/);
  });

  test('the most severe alert leads; other sources are counted', () => {
    const alerts = [
      alert({ id: 'a', severity: 'LOW', ruleTitle: 'Modbus Exception Response', srcIp: '10.10.9.9' }),
      alert({ id: 'b', severity: 'HIGH', srcIp: '10.10.7.23', dstAssetId: 'a-plc' }),
      alert({ id: 'c', severity: 'MEDIUM', srcIp: '198.51.100.7', dstAssetId: 'a-plc' }),
    ];
    expect(incidentTitle({ alerts, assets: plantAssets })).toBe(
      'Modbus Coil Write on Pump station PLC (10.30.1.11) and 1 other host from host 10.10.7.23 and 2 other hosts',
    );
  });

  test('unknown addresses, and no alerts', () => {
    expect(incidentTitle({ alerts: [alert({ srcIp: null, dstIp: '10.30.1.99' })] })).toBe('Modbus Coil Write on host 10.30.1.99');
    expect(incidentTitle({ alerts: [] })).toBe('Incident without alerts');
  });
});

describe('aggregations', () => {
  const alerts = [
    alert({ id: 'a1', severity: 'HIGH', ts: at(12), techniques: ['T0855', 't0836'], dstAssetId: 'a-plc', srcIp: '10.10.7.23' }),
    alert({ id: 'a2', severity: 'HIGH', ts: at(2), techniques: ['T0855'], dstAssetId: 'a-plc', srcAssetId: 'a-hmi', srcIp: '10.30.0.20' }),
    alert({ id: 'a3', severity: 'LOW', ts: at(7), techniques: ['T0855', 'T0855'], dstAssetId: 'a-sensor', srcIp: '10.10.7.23' }),
  ];

  test('techniques counted once per alert, most frequent first', () => {
    expect(aggregateTechniques(alerts)).toEqual([
      { id: 'T0855', alertCount: 3 },
      { id: 'T0836', alertCount: 1 },
    ]);
  });

  test('assets: most critical first, roles recorded, unknown ids ignored', () => {
    const out = aggregateAssets([...alerts, alert({ dstAssetId: 'a-ghost' })], plantAssets);
    expect(out.map((x) => [x.asset.id, x.alertCount, x.asTarget, x.asSource])).toEqual([
      ['a-plc', 2, true, false],
      ['a-hmi', 1, false, true],
      ['a-sensor', 1, true, false],
    ]);
  });

  test('severity counts, time range, sources, lead alert', () => {
    expect(countBySeverity(alerts)).toEqual({ INFO: 0, LOW: 1, MEDIUM: 0, HIGH: 2, CRITICAL: 0 });
    expect(alertTimeRange(alerts)).toEqual({ first: at(2), last: at(12) });
    expect(alertTimeRange([])).toBeNull();
    expect(distinctSources(alerts)).toEqual(['10.10.7.23', '10.30.0.20']);
    expect(leadAlert(alerts)?.id).toBe('a2'); // HIGH ties broken by the earlier alert
  });
});

describe('incidentSummary', () => {
  test('what, when, where from, how, and why this severity', () => {
    const alerts = [
      alert({ id: 'a1', severity: 'HIGH', ts: at(2), techniques: ['T0855', 'T0836'], dstAssetId: 'a-plc', srcIp: '10.10.7.23', srcZoneId: 'z-corp' }),
      alert({ id: 'a2', severity: 'MEDIUM', ts: at(14), techniques: ['T0855'], dstAssetId: 'a-plc', srcIp: '10.10.7.23', srcZoneId: 'z-corp' }),
    ];
    const names: Record<string, string> = { T0855: 'Unauthorized Command Message', T0836: 'Modify Parameter' };
    const text = incidentSummary({
      alerts,
      assets: plantAssets,
      zones,
      severity: incidentSeverity(alerts, plantAssets),
      techniqueLabel: (id) => `${id} ${names[id]}`,
    });
    expect(text).toBe(
      [
        '2 alerts from 1 rule between 2026-03-02 10:02 and 10:14 UTC.',
        'Assets involved: Pump station PLC (10.30.1.11, Purdue level 1, criticality CRITICAL).',
        'Source: 10.10.7.23 (Corporate IT).',
        'Techniques (MITRE ATT&CK for ICS): T0855 Unauthorized Command Message, T0836 Modify Parameter.',
        'Severity CRITICAL: highest alert severity HIGH, raised to CRITICAL because Pump station PLC is a CRITICAL-criticality asset at Purdue level 1.',
      ].join('\n'),
    );
  });

  test('a single alert, across days, many sources', () => {
    expect(incidentSummary({ alerts: [alert({ ts: at(5), dstIp: null, srcIp: null })] })).toBe('1 alert from 1 rule at 2026-03-02 10:05 UTC.');
    const many = Array.from({ length: 7 }, (_, i) => alert({ id: `m${i}`, srcIp: `10.10.0.${i + 1}`, ts: new Date(Date.UTC(2026, 2, 2 + (i === 6 ? 1 : 0), 9)) }));
    const text = incidentSummary({ alerts: many });
    expect(text).toContain('between 2026-03-02 09:00 and 2026-03-03 09:00 UTC.');
    expect(text).toContain('Sources: 10.10.0.1, 10.10.0.2, 10.10.0.3, 10.10.0.4, 10.10.0.5 and 2 more.');
    expect(incidentSummary({ alerts: [] })).toBe('No alerts.');
  });
});
