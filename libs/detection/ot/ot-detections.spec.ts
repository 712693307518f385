import { assets, conduits, flow, modbusWrite, zones } from './__fixtures__/plant';
import { attackIcsTechnique } from './attack-ics';
import { compileOtContext, OtContext } from './ot-context';
import { evaluateOtDetections } from './ot-detections';
import { OtEventView, OtFinding, OtSettings } from './ot-types';

function contextWith(settings: OtSettings = {}): OtContext {
  const r = compileOtContext({ zones, conduits, assets, settings });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.context;
}

const ctx = contextWith();
const only = (c: OtContext, e: OtEventView, detection: OtFinding['detection']) =>
  evaluateOtDetections(c, e).filter((f) => f.detection === detection);

describe('segmentation_violation', () => {
  test('corporate host talking Modbus to a level 1 PLC', () => {
    const [f, ...rest] = only(ctx, modbusWrite('10.10.7.23', '10.30.1.11', { otOperation: 'read' }), 'segmentation_violation');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      severity: 'HIGH',
      fromZoneId: 'z-corp',
      toZoneId: 'z-cell',
      srcIp: '10.10.7.23',
      dstIp: '10.30.1.11',
      assetIds: ['a-plc'],
      groupingEntity: 'a-plc',
    });
    expect(f.title).toBe(
      'Modbus on tcp/502 from Corporate IT host 10.10.7.23 to Pump station PLC (10.30.1.11) crosses from Corporate IT to Pump station cell, which no conduit allows',
    );
  });

  // Each row: source, destination, flow fields, expect a violation?
  test.each<[string, string, string, Partial<OtEventView>, boolean]>([
    ['modbus conduit admits appProtocol modbus on any port', '10.20.0.5', '10.30.0.20', { appProtocol: 'modbus', dstPort: 5020 }, false],
    ['modbus conduit admits unnamed tcp/502', '10.20.0.5', '10.30.0.20', { dstPort: 502 }, false],
    ['modbus conduit admits unnamed, transport-less 502', '10.20.0.5', '10.30.0.20', { dstPort: 502, transport: null }, false],
    ['modbus conduit refuses http', '10.20.0.5', '10.30.0.20', { appProtocol: 'http', dstPort: 80 }, true],
    ['modbus conduit refuses a named non-modbus app on 502', '10.20.0.5', '10.30.0.20', { appProtocol: 'ssl', dstPort: 502 }, true],
    ['modbus conduit admits unnamed udp/502 (Modbus runs on UDP too)', '10.20.0.5', '10.30.0.20', { transport: 'udp', dstPort: 502 }, false],
    ['modbus conduit refuses unnamed tcp/503', '10.20.0.5', '10.30.0.20', { dstPort: 503 }, true],
    ['tcp/502 conduit admits modbus on 502', '10.30.0.20', '10.30.1.11', { appProtocol: 'modbus', dstPort: 502 }, false],
    ['tcp/502 conduit admits modbus with transport inferred', '10.30.0.20', '10.30.1.11', { appProtocol: 'modbus', dstPort: 502, transport: null }, false],
    ['tcp/502 conduit refuses tcp/503', '10.30.0.20', '10.30.1.11', { dstPort: 503 }, true],
    ['tcp/502 conduit refuses udp/502', '10.30.0.20', '10.30.1.11', { transport: 'udp', dstPort: 502 }, true],
    ['direction respected: cell to SCADA is not allowed', '10.30.1.11', '10.30.0.20', { dstPort: 502, srcPort: 40000 }, true],
    ['bidirectional conduit, declared direction', '10.10.3.3', '10.20.0.5', { dstPort: 443 }, false],
    ['bidirectional conduit, reverse direction', '10.20.0.5', '10.10.3.3', { dstPort: 443 }, false],
    ['bidirectional conduit still checks the port', '10.20.0.5', '10.10.3.3', { dstPort: 8443 }, true],
    ['same zone is fine', '10.30.1.11', '10.30.1.12', { dstPort: 23 }, false],
    ['unzoned source is not a segmentation question', '198.51.100.7', '10.30.1.11', { dstPort: 502 }, false],
    ['unzoned destination is not a segmentation question', '10.30.1.11', '8.8.8.8', { dstPort: 53, transport: 'udp' }, false],
    ['reply of an admitted flow (server port as source)', '10.30.1.11', '10.30.0.20', { srcPort: 502, dstPort: 50123 }, false],
    ['a "reply" to a listed port is a new flow', '10.30.1.11', '10.30.0.20', { srcPort: 502, dstPort: 502 }, true],
    ['reply of a modbus conduit without ports (well-known port)', '10.30.0.20', '10.20.0.5', { appProtocol: 'modbus', srcPort: 502, dstPort: 50123 }, false],
    ['but not from another port', '10.30.0.20', '10.20.0.5', { appProtocol: 'modbus', srcPort: 5020, dstPort: 50123 }, true],
    ['and not for another application', '10.30.0.20', '10.20.0.5', { appProtocol: 'http', srcPort: 502, dstPort: 50123 }, true],
    ['nested safety subnet is its own zone', '10.30.0.20', '10.30.0.130', { dstPort: 502 }, true],
    ['IPv6 corporate to SCADA', '2001:db8:10::5', '2001:db8:30::20', { dstPort: 502 }, true],
    ['IPv4-mapped address falls in the IPv4 zone', '::ffff:10.10.7.23', '10.30.1.11', { dstPort: 502 }, true],
    ['unparsable address yields nothing', 'not-an-ip', '10.30.1.11', { dstPort: 502 }, false],
  ])('%s', (_label, src, dst, fields, violation) => {
    const found = only(ctx, flow({ srcIp: src, dstIp: dst, ...fields }), 'segmentation_violation');
    expect(found.length).toBe(violation ? 1 : 0);
  });

  test('severity: HIGH into levels 0–2 from level 3+, MEDIUM otherwise', () => {
    expect(only(ctx, flow({ srcIp: '10.20.0.5', dstIp: '10.30.0.20', dstPort: 80, appProtocol: 'http' }), 'segmentation_violation')[0].severity).toBe('HIGH');
    expect(only(ctx, flow({ srcIp: '10.30.0.20', dstIp: '10.30.1.11', dstPort: 503 }), 'segmentation_violation')[0].severity).toBe('MEDIUM');
    expect(only(ctx, flow({ srcIp: '10.20.0.5', dstIp: '10.10.3.3', dstPort: 22 }), 'segmentation_violation')[0].severity).toBe('MEDIUM');
  });

  test('techniques follow what crossed: remote service, command, program download', () => {
    const t = (e: Partial<OtEventView>) => only(ctx, flow({ srcIp: '10.10.7.23', dstIp: '10.30.0.20', ...e }), 'segmentation_violation')[0].techniques;
    expect(t({ dstPort: 3389 })).toEqual(['T0886']);
    expect(t({ dstPort: 502, otOperation: 'write' })).toEqual(['T0855']);
    expect(t({ dstPort: 502, otOperation: 'program' })).toEqual(['T0843']);
    expect(t({ dstPort: 8080 })).toEqual([]);
  });

  test('the source asset is the grouping entity when the target is not an asset', () => {
    const f = only(ctx, flow({ srcIp: '10.10.3.3', dstIp: '10.30.1.50', dstPort: 80 }), 'segmentation_violation')[0];
    expect(f.assetIds).toEqual(['a-corp-pc']);
    expect(f.groupingEntity).toBe('a-corp-pc');
    expect(f.targetAssetId).toBeNull();
  });
});

describe('control_write', () => {
  test('corporate host writing to the PLC', () => {
    const [f] = only(ctx, modbusWrite('10.10.7.23', '10.30.1.11'), 'control_write');
    expect(f.title).toBe('Unauthorised Modbus write to Pump station PLC (10.30.1.11) from Corporate IT host 10.10.7.23');
    expect(f).toMatchObject({ severity: 'HIGH', techniques: ['T0855', 'T0836'], assetIds: ['a-plc'], targetAssetId: 'a-plc', toZoneId: 'z-cell' });
    expect(f.details).toMatchObject({ operation: 'write', otFunction: 'WRITE_SINGLE_REGISTER', otFunctionCode: 6, targetPurdueLevel: 1 });
  });

  test.each<[string, string, string, Partial<OtEventView>, OtSettings, boolean]>([
    ['SCADA HMI (level 2, conduit to the cell) may write', '10.30.0.20', '10.30.1.11', {}, {}, false],
    ['…unless conduit peers are not trusted', '10.30.0.20', '10.30.1.11', {}, { controlWrite: { allowConduitPeers: false } }, true],
    ['level 3 EWS with a conduit into SCADA may write to the HMI', '10.20.0.9', '10.30.0.20', {}, {}, false],
    ['level 3 EWS without a conduit into the cell may not', '10.20.0.9', '10.30.1.11', {}, {}, true],
    ['a host in the same level 1 zone may write', '10.30.1.12', '10.30.1.11', {}, {}, false],
    ['level 4 corporate zone never gets the default allowance', '10.10.3.3', '10.30.1.11', {}, {}, true],
    ['external address', '203.0.113.9', '10.30.1.11', {}, {}, true],
    ['reads are not control writes', '10.10.7.23', '10.30.1.11', { otOperation: 'read' }, {}, false],
    ['diagnostics are not control writes', '10.10.7.23', '10.30.1.11', { otOperation: 'diagnostic' }, {}, false],
    ['a level 3 target is out of scope', '10.10.7.23', '10.20.0.5', {}, {}, false],
    ['an unassigned address in a level 1 zone is in scope', '10.10.7.23', '10.30.1.200', {}, {}, true],
    ['allow-list by asset and address', '10.10.7.23', '10.30.1.11', {}, { controlWrite: { allowedSources: [{ assetId: 'a-plc', sources: ['10.10.7.23'] }] } }, false],
    ['allow-list by asset does not cover another asset', '10.10.7.23', '10.30.0.20', {}, { controlWrite: { allowedSources: [{ assetId: 'a-plc', sources: ['10.10.7.23'] }] } }, true],
    ['allow-list by zone and CIDR', '10.10.7.23', '10.30.1.11', {}, { controlWrite: { allowedSources: [{ zoneId: 'z-cell', sources: ['10.10.7.0/24'] }] } }, false],
    ['allow-list CIDR that does not contain the source', '10.10.8.23', '10.30.1.11', {}, { controlWrite: { allowedSources: [{ zoneId: 'z-cell', sources: ['10.10.7.0/24'] }] } }, true],
    ['allow-list by source zone, any target', '10.10.7.23', '10.30.1.11', {}, { controlWrite: { allowedSources: [{ sourceZoneIds: ['z-corp'] }] } }, false],
  ])('%s', (_label, src, dst, extra, settings, flagged) => {
    const found = only(contextWith(settings), modbusWrite(src, dst, extra), 'control_write');
    expect(found.length).toBe(flagged ? 1 : 0);
  });

  test('a disabled detection stays quiet while the others still run', () => {
    const c = contextWith({ detections: { control_write: { enabled: false } } });
    const findings = evaluateOtDetections(c, modbusWrite('10.10.7.23', '10.30.1.11'));
    expect(findings.map((f) => f.detection)).toEqual(['segmentation_violation']);
  });

  test('program download is CRITICAL and tagged T0843', () => {
    const [f] = only(ctx, modbusWrite('10.20.0.9', '10.30.1.11', { otOperation: 'program', otProtocol: 's7comm', appProtocol: 's7comm', dstPort: 102 }), 'control_write');
    expect(f.severity).toBe('CRITICAL');
    expect(f.techniques).toEqual(['T0843']);
    expect(f.title).toBe('Unauthorised S7comm program download to Pump station PLC (10.30.1.11) from Engineering workstation (10.20.0.9)');
    expect(f.assetIds).toEqual(['a-plc', 'a-ews']);
  });

  test('an unregistered device in a control zone issuing commands adds Rogue Master', () => {
    const c = contextWith({ controlWrite: { allowConduitPeers: false } });
    const [f] = only(c, modbusWrite('10.30.0.99', '10.30.1.11', { otOperation: 'control' }), 'control_write');
    expect(f.techniques).toEqual(['T0855', 'T0848']);
    expect(f.title).toBe('Unauthorised Modbus control command to Pump station PLC (10.30.1.11) from SCADA control host 10.30.0.99');
  });

  test('a tenant severity override replaces the computed severity', () => {
    const c = contextWith({ detections: { control_write: { severity: 'CRITICAL' } } });
    expect(only(c, modbusWrite('10.10.7.23', '10.30.1.11'), 'control_write')[0].severity).toBe('CRITICAL');
  });
});

describe('remote_access', () => {
  test('RDP from corporate into the HMI', () => {
    const [f] = only(ctx, flow({ srcIp: '10.10.7.23', dstIp: '10.30.0.20', dstPort: 3389 }), 'remote_access');
    expect(f.title).toBe('Remote access (RDP) into Operator HMI (10.30.0.20) from Corporate IT host 10.10.7.23');
    expect(f).toMatchObject({ severity: 'HIGH', techniques: ['T0886'], targetAssetId: 'a-hmi', groupingEntity: 'a-hmi' });
  });

  test('from outside every zone it is also External Remote Services', () => {
    const [f] = only(ctx, flow({ srcIp: '203.0.113.5', dstIp: '10.30.1.11', appProtocol: 'ssh', dstPort: 2222 }), 'remote_access');
    expect(f.techniques).toEqual(['T0886', 'T0822']);
    expect(f.title).toBe('Remote access (SSH) into Pump station PLC (10.30.1.11) from host 203.0.113.5');
  });

  test.each<[string, Partial<OtEventView>, string | null]>([
    ['ssh/22', { dstPort: 22 }, 'ssh'],
    ['telnet/23', { dstPort: 23 }, 'telnet'],
    ['vnc/5900', { dstPort: 5900 }, 'vnc'],
    ['vnc/5903', { dstPort: 5903 }, 'vnc'],
    ['5904 is not VNC', { dstPort: 5904 }, null],
    ['teamviewer/5938 tcp', { dstPort: 5938 }, 'teamviewer'],
    ['teamviewer/5938 udp', { dstPort: 5938, transport: 'udp' }, 'teamviewer'],
    ['anydesk/7070', { dstPort: 7070 }, 'anydesk'],
    ['anydesk looks like TLS', { dstPort: 7070, appProtocol: 'ssl' }, 'anydesk'],
    ['rdp over udp', { dstPort: 3389, transport: 'udp' }, 'rdp'],
    ['ssh port over udp is not ssh', { dstPort: 22, transport: 'udp' }, null],
    ['Zeek rfb on an odd port is VNC', { dstPort: 6000, appProtocol: 'rfb' }, 'vnc'],
    ['telnet named by the sensor', { dstPort: 2323, appProtocol: 'telnet' }, 'telnet'],
    ['http on 5900 is not VNC', { dstPort: 5900, appProtocol: 'http' }, null],
    ['modbus is not remote access', { dstPort: 502, appProtocol: 'modbus' }, null],
  ])('%s', (_label, fields, service) => {
    const found = only(ctx, flow({ srcIp: '10.10.7.23', dstIp: '10.30.1.11', ...fields }), 'remote_access');
    expect(found.map((f) => f.details.service)).toEqual(service ? [service] : []);
  });

  test('targets above level 2 are out of scope', () => {
    expect(only(ctx, flow({ srcIp: '10.10.7.23', dstIp: '10.20.0.9', dstPort: 3389 }), 'remote_access')).toEqual([]);
  });

  test('allowed jump host, and only for the zone it is allowed into', () => {
    const c = contextWith({ remoteAccess: { allowedSources: [{ zoneId: 'z-scada', sources: ['10.20.0.50'] }] } });
    expect(only(c, flow({ srcIp: '10.20.0.50', dstIp: '10.30.0.20', dstPort: 3389 }), 'remote_access')).toEqual([]);
    expect(only(c, flow({ srcIp: '10.20.0.50', dstIp: '10.30.1.11', dstPort: 3389 }), 'remote_access')).toHaveLength(1);
    expect(only(c, flow({ srcIp: '10.20.0.51', dstIp: '10.30.0.20', dstPort: 3389 }), 'remote_access')).toHaveLength(1);
  });

  test('same-zone remote access is still reported without an allow-list entry', () => {
    expect(only(ctx, flow({ srcIp: '10.30.1.12', dstIp: '10.30.1.11', dstPort: 22 }), 'remote_access')).toHaveLength(1);
  });
});

describe('unknown_host', () => {
  test('an unregistered source in a level 1 zone', () => {
    const [f] = only(ctx, flow({ srcIp: '10.30.1.99', dstIp: '10.30.1.11', dstPort: 502, otOperation: 'read' }), 'unknown_host');
    expect(f).toMatchObject({ severity: 'MEDIUM', techniques: ['T0864'], groupingEntity: '10.30.1.99', fromZoneId: 'z-cell' });
    expect(f.title).toBe('Unknown device 10.30.1.99 active in Pump station cell (Purdue level 1)');
  });

  test('issuing commands adds Rogue Master', () => {
    const [f] = only(ctx, modbusWrite('10.30.1.99', '10.30.1.11'), 'unknown_host');
    expect(f.techniques).toEqual(['T0864', 'T0848']);
  });

  test.each([
    ['registered asset', '10.30.1.11'],
    ['unregistered host in a level 3 zone', '10.20.0.77'],
    ['address in no zone', '192.0.2.1'],
  ])('%s is not reported', (_label, src) => {
    expect(only(ctx, flow({ srcIp: src, dstIp: '10.30.0.20', dstPort: 502 }), 'unknown_host')).toEqual([]);
  });
});

test('one event can raise several detections; each technique id is a real ATT&CK for ICS technique', () => {
  const findings = evaluateOtDetections(ctx, modbusWrite('10.10.7.23', '10.30.1.11'));
  expect(findings.map((f) => f.detection).sort()).toEqual(['control_write', 'segmentation_violation']);
  const all = [
    ...findings,
    ...evaluateOtDetections(ctx, flow({ srcIp: '203.0.113.5', dstIp: '10.30.1.11', dstPort: 22 })),
    ...evaluateOtDetections(ctx, modbusWrite('10.30.1.99', '10.30.1.11', { otOperation: 'program' })),
  ];
  for (const id of all.flatMap((f) => f.techniques)) expect(attackIcsTechnique(id)?.deprecated).toBe(false);
});

test('events without addresses give no findings', () => {
  expect(evaluateOtDetections(ctx, flow({}))).toEqual([]);
});
