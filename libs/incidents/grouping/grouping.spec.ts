import fc from 'fast-check';
import { groupingEntityOf, groupingKey } from './grouping-key';
import { assetRaise, incidentSeverity } from './incident-severity';
import { alert, plantAssets } from './__fixtures__/incidents';
import { IncidentAlertView, SEVERITIES, Severity } from './incident-types';

describe('groupingKey', () => {
  test.each<[string, Partial<IncidentAlertView>, string]>([
    ['target asset first', { dstAssetId: 'a-plc', srcAssetId: 'a-hmi' }, 'rule-modbus-write::asset:a-plc'],
    ['source asset when the target is unknown', { srcAssetId: 'a-hmi' }, 'rule-modbus-write::asset:a-hmi'],
    ['source address when no asset is known', {}, 'rule-modbus-write::ip:10.10.7.23'],
    ['destination address when there is no source', { srcIp: null }, 'rule-modbus-write::ip:10.30.1.11'],
    ['IPv6 addresses are lower-cased', { srcIp: '2001:DB8::7' }, 'rule-modbus-write::ip:2001:db8::7'],
    ['nothing to group on', { srcIp: null, dstIp: null }, 'rule-modbus-write::none'],
    ['the detection’s own entity wins', { groupingEntity: 'sensor:s-1', dstAssetId: 'a-plc' }, 'rule-modbus-write::sensor:s-1'],
  ])('%s', (_label, over, key) => {
    expect(groupingKey(alert(over))).toBe(key);
  });

  test('two alerts of one rule on one asset share a key whatever their sources; other rules do not', () => {
    const a = alert({ dstAssetId: 'a-plc', srcIp: '10.10.7.23' });
    const b = alert({ id: 'al-2', dstAssetId: 'a-plc', srcIp: '10.10.9.9', severity: 'HIGH' });
    const c = alert({ ruleId: 'rule-dnp3', dstAssetId: 'a-plc' });
    expect(groupingKey(a)).toBe(groupingKey(b));
    expect(groupingKey(a)).not.toBe(groupingKey(c));
  });

  test('the key depends only on rule and entity (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.option(fc.string({ minLength: 1 }), { nil: null }), fc.ipV4(), fc.ipV4(), (ruleId, dstAssetId, src, dst) => {
        const x = alert({ ruleId, dstAssetId, srcIp: src, dstIp: dst, severity: 'LOW', id: 'x' });
        const y = alert({ ruleId, dstAssetId, srcIp: src, dstIp: dst, severity: 'CRITICAL', id: 'y', ts: new Date(0) });
        return groupingKey(x) === groupingKey(y) && groupingKey(x) === `${ruleId}::${groupingEntityOf(x)}`;
      }),
    );
  });
});

describe('incidentSeverity', () => {
  test.each<[string, Severity[], (string | null)[], Severity, number]>([
    ['highest alert wins', ['LOW', 'HIGH', 'MEDIUM'], [], 'HIGH', 0],
    ['HIGH asset at level 2 raises one step', ['MEDIUM'], ['a-hmi'], 'HIGH', 1],
    ['HIGH asset at level 3 raises one step too', ['MEDIUM'], ['a-hist'], 'HIGH', 1],
    ['CRITICAL asset at level 1 raises two steps', ['MEDIUM'], ['a-plc'], 'CRITICAL', 2],
    ['CRITICAL asset at level 1 from LOW', ['LOW'], ['a-plc'], 'HIGH', 2],
    ['CRITICAL asset at level 4 raises one step', ['MEDIUM'], ['a-erp'], 'HIGH', 1],
    ['CRITICAL asset of unknown level raises one step', ['LOW'], ['a-rtu'], 'MEDIUM', 1],
    ['capped at CRITICAL', ['HIGH'], ['a-plc'], 'CRITICAL', 1],
    ['already CRITICAL', ['CRITICAL'], ['a-plc'], 'CRITICAL', 0],
    ['MEDIUM and LOW assets do not raise', ['MEDIUM'], ['a-sensor', 'a-laptop'], 'MEDIUM', 0],
    ['the most important asset decides', ['LOW'], ['a-hmi', 'a-plc', 'a-laptop'], 'HIGH', 2],
    ['INFO alerts are never raised', ['INFO'], ['a-plc'], 'INFO', 0],
    ['unknown asset ids are ignored', ['MEDIUM'], ['a-ghost'], 'MEDIUM', 0],
  ])('%s', (_label, severities, assetIds, expected, raisedBy) => {
    const alerts = severities.map((severity, i) => alert({ id: `al-${i}`, severity, dstAssetId: assetIds[i] ?? null, srcAssetId: i === 0 ? assetIds[1] ?? null : null }));
    // Attach any remaining assets to extra INFO alerts so every listed asset is touched.
    assetIds.slice(severities.length + 1).forEach((id, i) => alerts.push(alert({ id: `x-${i}`, severity: 'INFO', dstAssetId: id })));
    const r = incidentSeverity(alerts, plantAssets);
    expect(r.severity).toBe(expected);
    expect(r.raisedBy).toBe(raisedBy);
  });

  test('the reason names the asset and the rule that raised it', () => {
    const r = incidentSeverity([alert({ severity: 'HIGH', dstAssetId: 'a-plc' })], plantAssets);
    expect(r).toEqual({
      severity: 'CRITICAL',
      baseSeverity: 'HIGH',
      raisedBy: 1,
      raisedForAssetId: 'a-plc',
      reason: 'highest alert severity HIGH, raised to CRITICAL because Pump station PLC is a CRITICAL-criticality asset at Purdue level 1',
    });
  });

  test('source assets count as well as targets', () => {
    expect(incidentSeverity([alert({ severity: 'LOW', srcAssetId: 'a-hmi' })], plantAssets).severity).toBe('MEDIUM');
  });

  test('no alerts, or alerts with an unknown severity, give INFO with a reason', () => {
    expect(incidentSeverity([], plantAssets)).toMatchObject({ severity: 'INFO', reason: 'no alerts' });
    expect(incidentSeverity([alert({ severity: 'SEVERE' as Severity })], plantAssets).reason).toBe('no alerts');
  });

  test('never lower than the highest alert, never more than two steps above it (property)', () => {
    const sev = fc.constantFrom(...SEVERITIES);
    const assetId = fc.option(fc.constantFrom(...plantAssets.map((a) => a.id)), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.tuple(sev, assetId, assetId), { minLength: 1, maxLength: 8 }), (rows) => {
        const alerts = rows.map(([severity, d, s], i) => alert({ id: `a${i}`, severity, dstAssetId: d, srcAssetId: s }));
        const r = incidentSeverity(alerts, plantAssets);
        const base = Math.max(...rows.map(([s]) => SEVERITIES.indexOf(s)));
        const got = SEVERITIES.indexOf(r.severity);
        const maxRaise = Math.max(0, ...rows.flatMap(([, d, s]) => [d, s]).filter((x) => x).map((id) => assetRaise(plantAssets.find((a) => a.id === id)!)));
        const expected = base === 0 ? 0 : Math.min(base + maxRaise, 4);
        return got === expected && SEVERITIES.indexOf(r.baseSeverity) === base;
      }),
    );
  });
});
