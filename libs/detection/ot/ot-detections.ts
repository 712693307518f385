// The built-in OT detections, evaluated per event against a compiled tenant context.

import { IpAddress, parseIp } from '../ip-address';
import { CompiledAllowRule, OtContext } from './ot-context';
import { OtAsset, OtDetectionName, OtEventView, OtFinding, OtZone, Severity } from './ot-types';
import { APP_PROTOCOLS, canonicalProtocol, conduitAdmits, protocolLabel, remoteServiceOf } from './protocols';

const CONTROL_OPERATIONS = new Set(['write', 'program', 'control']);

/** Purdue levels 0–2: the physical process, basic control and supervisory control. */
export function isControlLevel(level: number | null | undefined): boolean {
  return typeof level === 'number' && level >= 0 && level <= 2;
}

interface Endpoint {
  ip: string | null;
  addr: IpAddress | null;
  zone: OtZone | undefined;
  asset: OtAsset | undefined;
}

function endpoint(ctx: OtContext, ip: string | null): Endpoint {
  const addr = ip ? parseIp(ip) : null;
  if (!addr) return { ip, addr: null, zone: undefined, asset: undefined };
  const asset = ctx.assetAt(addr);
  // An address outside every CIDR still belongs to its asset's zone when the asset names one.
  const zone = ctx.zoneOf(addr) ?? (asset?.zoneId ? ctx.zonesById.get(asset.zoneId) : undefined);
  return { ip, addr, zone, asset };
}

/** "Pump station PLC (10.30.0.11)", "Corporate IT host 10.10.7.23", "host 198.51.100.7". */
export function describeEndpoint(ip: string | null, asset?: { name: string } | null, zone?: { name: string } | null): string {
  const where = ip ?? 'unknown address';
  if (asset) return ip ? `${asset.name} (${ip})` : asset.name;
  if (zone) return `${zone.name} host ${where}`;
  return `host ${where}`;
}

function targetIsControl(dst: Endpoint): boolean {
  if (dst.asset && dst.asset.purdueLevel !== null && dst.asset.purdueLevel !== undefined) {
    return isControlLevel(dst.asset.purdueLevel);
  }
  return isControlLevel(dst.zone?.purdueLevel);
}

function ruleAllows(rules: CompiledAllowRule[], src: Endpoint, dst: Endpoint): boolean {
  for (const rule of rules) {
    const targetMatches =
      (rule.zoneId === null && rule.assetId === null) ||
      (rule.zoneId !== null && rule.zoneId === dst.zone?.id) ||
      (rule.assetId !== null && rule.assetId === dst.asset?.id);
    if (!targetMatches) continue;
    if (src.addr && rule.sources.lookup(src.addr)) return true;
    if (src.zone && rule.sourceZoneIds.has(src.zone.id)) return true;
  }
  return false;
}

/** Default control-write allowance: same control zone, or a level 1–3 zone with a conduit into the target zone. */
function conduitPeerAllows(ctx: OtContext, src: Endpoint, dst: Endpoint): boolean {
  if (!src.zone || !dst.zone) return false;
  const level = src.zone.purdueLevel;
  if (level < 1 || level > 3) return false;
  if (src.zone.id === dst.zone.id) return true;
  return ctx.conduitsBetween(src.zone.id, dst.zone.id).length > 0;
}

function flowAdmitted(ctx: OtContext, from: OtZone, to: OtZone, event: OtEventView, dstPort: number | null): boolean {
  const flow = { transport: event.transport, appProtocol: event.appProtocol, dstPort };
  return ctx.conduitsBetween(from.id, to.id).some((c) => conduitAdmits(c.protocol, c.ports, flow));
}

/**
 * A packet-level alert raised on a server's reply has the server as source. When a conduit
 * admits the reverse flow on this event's source port, that port is one of the conduit's service
 * ports (its listed ports, or the well-known ports of its application protocol), and the
 * destination port is not, the event is read as that reply rather than a new flow. Conduits
 * with no service ports ('any', or a bare transport without ports) get no such allowance: it
 * would make them bidirectional.
 */
function isReplyOfAdmittedFlow(ctx: OtContext, src: OtZone, dst: OtZone, event: OtEventView): boolean {
  const srcPort = event.srcPort;
  if (srcPort === null) return false;
  const flow = { transport: event.transport, appProtocol: event.appProtocol, dstPort: srcPort };
  return ctx.conduitsBetween(dst.id, src.id).some((c) => {
    const servicePorts = c.ports ?? APP_PROTOCOLS[canonicalProtocol(c.protocol)]?.ports ?? null;
    return (
      servicePorts !== null &&
      servicePorts.includes(srcPort) &&
      (event.dstPort === null || !servicePorts.includes(event.dstPort)) &&
      conduitAdmits(c.protocol, c.ports, flow)
    );
  });
}

function groupingEntityOf(target: OtAsset | undefined, source: OtAsset | undefined, srcIp: string | null, dstIp: string | null): string {
  return target?.id ?? source?.id ?? srcIp ?? dstIp ?? 'unknown';
}

function finalSeverity(ctx: OtContext, detection: OtDetectionName, computed: Severity): Severity {
  return ctx.severityOverride[detection] ?? computed;
}

function serviceText(event: OtEventView): string {
  const app = event.otProtocol ?? event.appProtocol;
  const port = event.dstPort !== null ? `${(event.transport ?? 'port').toLowerCase()}/${event.dstPort}` : null;
  if (app && port) return `${protocolLabel(app)} on ${port}`;
  return app ? protocolLabel(app) : port ?? (event.transport ?? 'traffic');
}

const OPERATION_WORDS: Record<string, string> = {
  write: 'write',
  program: 'program download',
  control: 'control command',
};

function makeFinding(
  ctx: OtContext,
  detection: OtDetectionName,
  computed: Severity,
  title: string,
  techniques: string[],
  src: Endpoint,
  dst: Endpoint,
  details: Record<string, unknown>,
  targetAsset: OtAsset | undefined,
): OtFinding {
  const assetIds: string[] = [];
  if (targetAsset) assetIds.push(targetAsset.id);
  for (const a of [dst.asset, src.asset]) if (a && !assetIds.includes(a.id)) assetIds.push(a.id);
  return {
    detection,
    severity: finalSeverity(ctx, detection, computed),
    title,
    techniques,
    assetIds,
    targetAssetId: targetAsset?.id ?? null,
    srcIp: src.ip,
    dstIp: dst.ip,
    fromZoneId: src.zone?.id ?? null,
    toZoneId: dst.zone?.id ?? null,
    groupingEntity: groupingEntityOf(targetAsset, src.asset, src.ip, dst.ip),
    details,
  };
}

function segmentationViolation(ctx: OtContext, event: OtEventView, src: Endpoint, dst: Endpoint): OtFinding | null {
  if (!src.zone || !dst.zone || src.zone.id === dst.zone.id) return null;
  if (flowAdmitted(ctx, src.zone, dst.zone, event, event.dstPort)) return null;
  if (isReplyOfAdmittedFlow(ctx, src.zone, dst.zone, event)) return null;
  const intoControl = isControlLevel(dst.zone.purdueLevel) && src.zone.purdueLevel >= 3;
  const techniques: string[] = [];
  if (remoteServiceOf(event)) techniques.push('T0886');
  const op = event.otOperation ?? null;
  if (op === 'program') techniques.push('T0843');
  else if (op === 'write' || op === 'control') techniques.push('T0855');
  const title =
    `${serviceText(event)} from ${describeEndpoint(src.ip, src.asset, src.zone)} to ` +
    `${describeEndpoint(dst.ip, dst.asset, dst.zone)} crosses from ${src.zone.name} to ${dst.zone.name}, ` +
    `which no conduit allows`;
  return makeFinding(ctx, 'segmentation_violation', intoControl ? 'HIGH' : 'MEDIUM', title, techniques, src, dst, {
    fromZoneName: src.zone.name,
    toZoneName: dst.zone.name,
    fromPurdueLevel: src.zone.purdueLevel,
    toPurdueLevel: dst.zone.purdueLevel,
    transport: event.transport,
    appProtocol: event.appProtocol,
    dstPort: event.dstPort,
  }, dst.asset);
}

function controlWrite(ctx: OtContext, event: OtEventView, src: Endpoint, dst: Endpoint): OtFinding | null {
  const op = event.otOperation ?? null;
  if (!op || !CONTROL_OPERATIONS.has(op) || !targetIsControl(dst)) return null;
  if (ruleAllows(ctx.controlWriteRules, src, dst)) return null;
  if (ctx.allowConduitPeers && conduitPeerAllows(ctx, src, dst)) return null;
  const techniques = op === 'program' ? ['T0843'] : op === 'write' ? ['T0855', 'T0836'] : ['T0855'];
  // A device nobody registered that issues commands is what ATT&CK for ICS calls a rogue master.
  if (!src.asset && src.zone && isControlLevel(src.zone.purdueLevel)) techniques.push('T0848');
  const protocol = protocolLabel(event.otProtocol ?? event.appProtocol ?? null);
  const protocolWord = protocol === 'network' ? '' : `${protocol} `;
  const title =
    `Unauthorised ${protocolWord}${OPERATION_WORDS[op]} to ${describeEndpoint(dst.ip, dst.asset, dst.zone)} ` +
    `from ${describeEndpoint(src.ip, src.asset, src.zone)}`;
  return makeFinding(ctx, 'control_write', op === 'program' ? 'CRITICAL' : 'HIGH', title, techniques, src, dst, {
    operation: op,
    otProtocol: event.otProtocol ?? null,
    otFunction: event.otFunction ?? null,
    otFunctionCode: event.otFunctionCode ?? null,
    otUnitId: event.otUnitId ?? null,
    targetPurdueLevel: dst.asset?.purdueLevel ?? dst.zone?.purdueLevel ?? null,
  }, dst.asset);
}

function remoteAccess(ctx: OtContext, event: OtEventView, src: Endpoint, dst: Endpoint): OtFinding | null {
  if (!targetIsControl(dst)) return null;
  const service = remoteServiceOf(event);
  if (!service) return null;
  if (ruleAllows(ctx.remoteAccessRules, src, dst)) return null;
  const techniques = ['T0886'];
  if (!src.zone) techniques.push('T0822');
  const title =
    `Remote access (${service.label}) into ${describeEndpoint(dst.ip, dst.asset, dst.zone)} ` +
    `from ${describeEndpoint(src.ip, src.asset, src.zone)}`;
  return makeFinding(ctx, 'remote_access', 'HIGH', title, techniques, src, dst, {
    service: service.service,
    dstPort: event.dstPort,
    transport: event.transport,
    targetPurdueLevel: dst.asset?.purdueLevel ?? dst.zone?.purdueLevel ?? null,
  }, dst.asset);
}

function unknownHost(ctx: OtContext, event: OtEventView, src: Endpoint, dst: Endpoint): OtFinding | null {
  if (!src.addr || src.asset || !src.zone || !isControlLevel(src.zone.purdueLevel)) return null;
  const techniques = ['T0864'];
  if (event.otOperation && CONTROL_OPERATIONS.has(event.otOperation)) techniques.push('T0848');
  const title = `Unknown device ${src.ip} active in ${src.zone.name} (Purdue level ${src.zone.purdueLevel})`;
  const finding = makeFinding(ctx, 'unknown_host', 'MEDIUM', title, techniques, src, dst, {
    zoneName: src.zone.name,
    purdueLevel: src.zone.purdueLevel,
    firstSeenPeer: dst.ip,
  }, undefined);
  // One incident per unknown device, whatever it talks to.
  finding.groupingEntity = src.ip as string;
  return finding;
}

/**
 * Runs every enabled per-event OT detection. Pure: the same context and event give the same
 * findings. Events without addresses, or with unparsable ones, yield no findings.
 */
export function evaluateOtDetections(ctx: OtContext, event: OtEventView): OtFinding[] {
  if (!event || (!event.srcIp && !event.dstIp)) return [];
  const src = endpoint(ctx, event.srcIp);
  const dst = endpoint(ctx, event.dstIp);
  const findings: OtFinding[] = [];
  const run = (name: OtDetectionName, fn: typeof segmentationViolation) => {
    if (!ctx.enabled[name]) return;
    const f = fn(ctx, event, src, dst);
    if (f) findings.push(f);
  };
  run('segmentation_violation', segmentationViolation);
  run('control_write', controlWrite);
  run('remote_access', remoteAccess);
  run('unknown_host', unknownHost);
  return findings;
}
