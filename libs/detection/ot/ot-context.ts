// Compiles a tenant's OT model (zones, conduits, assets, settings) once into lookups that the
// per-event detections use: zone by address (longest prefix), asset by address, conduits by
// (from zone, to zone), allow-lists as prefix tables.

import {
  buildPrefixTable,
  IpAddress,
  ipKey,
  parseCidr,
  parseIp,
  PrefixEntry,
  PrefixTable,
} from '../ip-address';
import {
  AllowedSourceRule,
  OT_DETECTION_NAMES,
  OtAsset,
  OtConduit,
  OtDetectionName,
  OtSettings,
  OtZone,
  SEVERITY_ORDER,
  Severity,
} from './ot-types';

export interface CompiledAllowRule {
  zoneId: string | null;
  assetId: string | null;
  sources: PrefixTable<true>;
  sourceZoneIds: Set<string>;
}

export interface OtContext {
  zonesById: Map<string, OtZone>;
  assetsById: Map<string, OtAsset>;
  zoneOf(addr: IpAddress): OtZone | undefined;
  assetAt(addr: IpAddress): OtAsset | undefined;
  /** Conduits usable from `fromZoneId` to `toZoneId`, including bidirectional ones declared the other way. */
  conduitsBetween(fromZoneId: string, toZoneId: string): OtConduit[];
  controlWriteRules: CompiledAllowRule[];
  allowConduitPeers: boolean;
  remoteAccessRules: CompiledAllowRule[];
  enabled: Record<OtDetectionName, boolean>;
  severityOverride: Partial<Record<OtDetectionName, Severity>>;
  settings: OtSettings;
  /** Non-fatal findings about the model (e.g. two assets sharing an address). */
  warnings: string[];
}

export interface OtModelInput {
  zones: OtZone[];
  conduits: OtConduit[];
  assets: OtAsset[];
  settings?: OtSettings | null;
}

export type OtContextResult = { ok: true; context: OtContext } | { ok: false; errors: string[] };

const pairKey = (from: string, to: string) => `${from}\u0000${to}`;

function isPurdueLevel(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 5;
}

function compileAllowRules(
  rules: AllowedSourceRule[] | undefined,
  where: string,
  zones: Map<string, OtZone>,
  assets: Map<string, OtAsset>,
  errors: string[],
): CompiledAllowRule[] {
  const out: CompiledAllowRule[] = [];
  (rules ?? []).forEach((rule, i) => {
    const label = `${where}[${i}]`;
    if (rule.zoneId && !zones.has(rule.zoneId)) errors.push(`${label}: unknown target zone "${rule.zoneId}"`);
    if (rule.assetId && !assets.has(rule.assetId)) errors.push(`${label}: unknown target asset "${rule.assetId}"`);
    const entries: PrefixEntry<true>[] = [];
    for (const source of rule.sources ?? []) {
      const parsed = parseCidr(source);
      if (parsed.ok) entries.push({ block: parsed.block, value: true });
      else errors.push(`${label}: source ${parsed.error}`);
    }
    for (const zoneId of rule.sourceZoneIds ?? []) {
      if (!zones.has(zoneId)) errors.push(`${label}: unknown source zone "${zoneId}"`);
    }
    if ((rule.sources ?? []).length === 0 && (rule.sourceZoneIds ?? []).length === 0) {
      errors.push(`${label}: lists no sources`);
    }
    out.push({
      zoneId: rule.zoneId ?? null,
      assetId: rule.assetId ?? null,
      sources: buildPrefixTable(entries).table,
      sourceZoneIds: new Set(rule.sourceZoneIds ?? []),
    });
  });
  return out;
}

/**
 * Builds the per-tenant lookups. Any inconsistency that would make a detection silently wrong
 * (an unparsable CIDR, one CIDR claimed by two zones, a conduit to a zone that does not exist)
 * is an error; all errors are reported together.
 */
export function compileOtContext(input: OtModelInput): OtContextResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const settings: OtSettings = input.settings ?? {};
  const zones = Array.isArray(input.zones) ? input.zones : [];
  const conduits = Array.isArray(input.conduits) ? input.conduits : [];
  const assets = Array.isArray(input.assets) ? input.assets : [];

  const zonesById = new Map<string, OtZone>();
  const zoneEntries: PrefixEntry<OtZone>[] = [];
  for (const zone of zones) {
    if (zonesById.has(zone.id)) errors.push(`zone "${zone.id}" is defined twice`);
    zonesById.set(zone.id, zone);
    if (!isPurdueLevel(zone.purdueLevel)) {
      errors.push(`zone "${zone.name}": Purdue level must be an integer 0..5, got ${String(zone.purdueLevel)}`);
    }
    for (const cidr of zone.cidrs ?? []) {
      const parsed = parseCidr(cidr);
      if (parsed.ok) zoneEntries.push({ block: parsed.block, value: zone });
      else errors.push(`zone "${zone.name}": ${parsed.error}`);
    }
  }
  const { table: zoneTable, conflicts } = buildPrefixTable(zoneEntries);
  for (const c of conflicts) {
    errors.push(`zones "${c.values[0].name}" and "${c.values[1].name}" both claim the same CIDR`);
  }

  const conduitsByPair = new Map<string, OtConduit[]>();
  const addConduit = (from: string, to: string, conduit: OtConduit) => {
    const key = pairKey(from, to);
    const list = conduitsByPair.get(key);
    if (list) list.push(conduit);
    else conduitsByPair.set(key, [conduit]);
  };
  for (const conduit of conduits) {
    const label = `conduit "${conduit.id}"`;
    if (!zonesById.has(conduit.fromZoneId)) errors.push(`${label}: unknown zone "${conduit.fromZoneId}"`);
    if (!zonesById.has(conduit.toZoneId)) errors.push(`${label}: unknown zone "${conduit.toZoneId}"`);
    if (typeof conduit.protocol !== 'string' || conduit.protocol.trim() === '') {
      errors.push(`${label}: protocol is required ('any', 'tcp', 'modbus', ...)`);
    }
    if (conduit.ports !== null && conduit.ports !== undefined) {
      if (!Array.isArray(conduit.ports) || conduit.ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
        errors.push(`${label}: ports must be integers 0..65535 or null for any port`);
      }
    }
    const normalized: OtConduit = { ...conduit, ports: conduit.ports ?? null };
    addConduit(conduit.fromZoneId, conduit.toZoneId, normalized);
    if (conduit.bidirectional && conduit.fromZoneId !== conduit.toZoneId) {
      addConduit(conduit.toZoneId, conduit.fromZoneId, normalized);
    }
  }

  const assetsById = new Map<string, OtAsset>();
  const assetsByIp = new Map<string, OtAsset>();
  // Sorted by id so that "first asset wins" on a shared address does not depend on query order.
  for (const asset of [...assets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    assetsById.set(asset.id, asset);
    if (asset.zoneId && !zonesById.has(asset.zoneId)) errors.push(`asset "${asset.name}": unknown zone "${asset.zoneId}"`);
    if (asset.purdueLevel !== null && asset.purdueLevel !== undefined && !isPurdueLevel(asset.purdueLevel)) {
      errors.push(`asset "${asset.name}": Purdue level must be an integer 0..5 or null`);
    }
    if (!asset.ip) continue;
    const addr = parseIp(asset.ip);
    if (!addr) {
      errors.push(`asset "${asset.name}": "${asset.ip}" is not an IP address`);
      continue;
    }
    const key = ipKey(addr);
    const existing = assetsByIp.get(key);
    if (existing) warnings.push(`assets "${existing.name}" and "${asset.name}" share ${asset.ip}; "${existing.name}" is used`);
    else assetsByIp.set(key, asset);
  }

  const enabled = {} as Record<OtDetectionName, boolean>;
  const severityOverride: Partial<Record<OtDetectionName, Severity>> = {};
  for (const name of OT_DETECTION_NAMES) {
    const s = settings.detections?.[name];
    enabled[name] = s?.enabled ?? true;
    if (s?.severity !== undefined) {
      if (SEVERITY_ORDER.includes(s.severity)) severityOverride[name] = s.severity;
      else errors.push(`settings.detections.${name}.severity: "${String(s.severity)}" is not a severity`);
    }
  }
  for (const name of Object.keys(settings.detections ?? {})) {
    if (!OT_DETECTION_NAMES.includes(name as OtDetectionName)) {
      errors.push(`settings.detections: unknown detection "${name}"`);
    }
  }

  const controlWriteRules = compileAllowRules(
    settings.controlWrite?.allowedSources,
    'settings.controlWrite.allowedSources',
    zonesById,
    assetsById,
    errors,
  );
  const remoteAccessRules = compileAllowRules(
    settings.remoteAccess?.allowedSources,
    'settings.remoteAccess.allowedSources',
    zonesById,
    assetsById,
    errors,
  );

  const silence = settings.sensorSilence;
  if (silence?.defaultExpectedIntervalSeconds !== undefined && !(silence.defaultExpectedIntervalSeconds > 0)) {
    errors.push('settings.sensorSilence.defaultExpectedIntervalSeconds must be positive');
  }
  if (silence?.missedIntervals !== undefined && !(silence.missedIntervals >= 1)) {
    errors.push('settings.sensorSilence.missedIntervals must be at least 1');
  }

  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    context: {
      zonesById,
      assetsById,
      zoneOf: (addr) => zoneTable.lookup(addr),
      assetAt: (addr) => assetsByIp.get(ipKey(addr)),
      conduitsBetween: (from, to) => conduitsByPair.get(pairKey(from, to)) ?? [],
      controlWriteRules,
      allowConduitPeers: settings.controlWrite?.allowConduitPeers ?? true,
      remoteAccessRules,
      enabled,
      severityOverride,
      settings,
      warnings,
    },
  };
}
