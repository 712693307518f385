import { appendAudit } from '@watchfloor/audit';
import type { Caller } from '@watchfloor/auth';
import { invalidInput, notFound } from '@watchfloor/errors';
import type { ScopedTx } from '@watchfloor/tenancy';
import type { AssetInput, AssetVulnerabilityInput, ConduitInput, ZoneInput } from './inventory.types';
import type { AssetObject, AssetVulnerabilityObject, ConduitObject, ZoneObject } from './inventory.types';

export const ZONE_COLUMNS = `id, tenant_id AS "tenantId", name, purdue_level AS "purdueLevel", cidrs::text[] AS cidrs, description,
  created_at AS "createdAt", updated_at AS "updatedAt"`;
export const CONDUIT_COLUMNS = `id, tenant_id AS "tenantId", from_zone_id AS "fromZoneId", to_zone_id AS "toZoneId", protocol, ports, bidirectional, description`;
export const ASSET_COLUMNS = `a.id, a.tenant_id AS "tenantId", a.name, host(a.ip) AS ip, a.mac::text AS mac, a.kind, a.vendor, a.model, a.firmware,
  a.purdue_level AS "purdueLevel", a.criticality, a.zone_id AS "zoneId", a.first_seen_at AS "firstSeenAt", a.last_seen_at AS "lastSeenAt",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;
export const VULN_COLUMNS = `id, tenant_id AS "tenantId", asset_id AS "assetId", cve, cvss::float8 AS cvss, patch_state AS "patchState", description,
  first_seen_at AS "firstSeenAt", updated_at AS "updatedAt"`;

function audit(tx: ScopedTx, caller: Caller, tenantId: string, action: string, targetType: string, targetId: string, before: unknown, after: unknown) {
  return appendAudit(tx, { tenantId, actorId: caller.userId, actorKind: 'user', action, targetType, targetId, before, after, requestId: caller.requestId });
}

function checkPurdue(level: number | null | undefined): void {
  if (level !== null && level !== undefined && (!Number.isInteger(level) || level < 0 || level > 5)) throw invalidInput('purdueLevel must be 0 to 5');
}

export async function upsertZone(tx: ScopedTx, caller: Caller, input: ZoneInput): Promise<ZoneObject> {
  checkPurdue(input.purdueLevel);
  if (!input.name.trim()) throw invalidInput('name must not be empty');
  const params = [input.tenantId, input.name.trim(), input.purdueLevel, input.cidrs, input.description ?? null];
  if (input.id) {
    const [before] = await tx.query<ZoneObject>(`SELECT ${ZONE_COLUMNS} FROM zones WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [input.tenantId, input.id]);
    if (!before) throw notFound('zone', input.id);
    // Update, then read the row back in the shape the API returns.
    await tx.query(`UPDATE zones SET name = $2, purdue_level = $3, cidrs = $4::cidr[], description = $5, updated_at = now() WHERE tenant_id = $1 AND id = $6`, [
      ...params, input.id,
    ]);
    const [after] = await tx.query<ZoneObject>(`SELECT ${ZONE_COLUMNS} FROM zones WHERE tenant_id = $1 AND id = $2`, [input.tenantId, input.id]);
    await audit(tx, caller, input.tenantId, 'zone.updated', 'zone', after.id, before, after);
    return after;
  }
  const [created] = await tx.query<ZoneObject>(
    `INSERT INTO zones (tenant_id, name, purdue_level, cidrs, description) VALUES ($1, $2, $3, $4::cidr[], $5) RETURNING ${ZONE_COLUMNS}`,
    params,
  );
  await audit(tx, caller, input.tenantId, 'zone.created', 'zone', created.id, null, created);
  return created;
}

export async function upsertConduit(tx: ScopedTx, caller: Caller, input: ConduitInput): Promise<ConduitObject> {
  if (input.fromZoneId === input.toZoneId) throw invalidInput('a conduit joins two different zones');
  if (input.ports?.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) throw invalidInput('ports must be 0 to 65535');
  const zones = await tx.query<{ id: string }>(`SELECT id FROM zones WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [input.tenantId, [input.fromZoneId, input.toZoneId]]);
  if (zones.length !== 2) throw notFound('zone');
  const params = [input.tenantId, input.fromZoneId, input.toZoneId, input.protocol.trim().toLowerCase(), input.ports ?? null, input.description ?? null, input.bidirectional ?? false];
  if (input.id) {
    const [before] = await tx.query<ConduitObject>(`SELECT ${CONDUIT_COLUMNS} FROM conduits WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [input.tenantId, input.id]);
    if (!before) throw notFound('conduit', input.id);
    await tx.query(
      `UPDATE conduits SET from_zone_id = $2, to_zone_id = $3, protocol = $4, ports = $5, description = $6, bidirectional = $7, updated_at = now()
       WHERE tenant_id = $1 AND id = $8`,
      [...params, input.id],
    );
    const [after] = await tx.query<ConduitObject>(`SELECT ${CONDUIT_COLUMNS} FROM conduits WHERE tenant_id = $1 AND id = $2`, [input.tenantId, input.id]);
    await audit(tx, caller, input.tenantId, 'conduit.updated', 'conduit', after.id, before, after);
    return after;
  }
  const [created] = await tx.query<ConduitObject>(
    `INSERT INTO conduits (tenant_id, from_zone_id, to_zone_id, protocol, ports, description, bidirectional) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${CONDUIT_COLUMNS}`,
    params,
  );
  await audit(tx, caller, input.tenantId, 'conduit.created', 'conduit', created.id, null, created);
  return created;
}

export async function upsertAsset(tx: ScopedTx, caller: Caller, input: AssetInput): Promise<AssetObject> {
  checkPurdue(input.purdueLevel);
  if (!input.name.trim()) throw invalidInput('name must not be empty');
  if (input.zoneId) {
    const [zone] = await tx.query(`SELECT 1 FROM zones WHERE tenant_id = $1 AND id = $2`, [input.tenantId, input.zoneId]);
    if (!zone) throw notFound('zone', input.zoneId);
  }
  const params = [
    input.tenantId, input.name.trim(), input.ip ?? null, input.mac ?? null, input.kind ?? null, input.vendor ?? null, input.model ?? null,
    input.firmware ?? null, input.purdueLevel ?? null, input.criticality ?? 'MEDIUM', input.zoneId ?? null,
  ];
  if (input.id) {
    const [before] = await tx.query<AssetObject>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.tenant_id = $1 AND a.id = $2 FOR UPDATE`, [input.tenantId, input.id]);
    if (!before) throw notFound('asset', input.id);
    await tx.query(
      `UPDATE assets SET name = $2, ip = $3::inet, mac = $4::macaddr, kind = $5, vendor = $6, model = $7, firmware = $8, purdue_level = $9,
         criticality = $10, zone_id = $11, updated_at = now() WHERE tenant_id = $1 AND id = $12`,
      [...params, input.id],
    );
    const [after] = await tx.query<AssetObject>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.tenant_id = $1 AND a.id = $2`, [input.tenantId, input.id]);
    await audit(tx, caller, input.tenantId, 'asset.updated', 'asset', after.id, before, after);
    return after;
  }
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO assets (tenant_id, name, ip, mac, kind, vendor, model, firmware, purdue_level, criticality, zone_id)
     VALUES ($1, $2, $3::inet, $4::macaddr, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    params,
  );
  const [created] = await tx.query<AssetObject>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.tenant_id = $1 AND a.id = $2`, [input.tenantId, row.id]);
  await audit(tx, caller, input.tenantId, 'asset.created', 'asset', created.id, null, created);
  return created;
}

export async function upsertAssetVulnerability(tx: ScopedTx, caller: Caller, input: AssetVulnerabilityInput): Promise<AssetVulnerabilityObject> {
  if (!/^CVE-\d{4}-\d{4,}$/.test(input.cve)) throw invalidInput('cve must look like CVE-2021-22779');
  if (input.cvss !== null && input.cvss !== undefined && (input.cvss < 0 || input.cvss > 10)) throw invalidInput('cvss must be 0 to 10');
  const [asset] = await tx.query(`SELECT 1 FROM assets WHERE tenant_id = $1 AND id = $2`, [input.tenantId, input.assetId]);
  if (!asset) throw notFound('asset', input.assetId);
  const [before] = await tx.query<AssetVulnerabilityObject>(`SELECT ${VULN_COLUMNS} FROM asset_vulnerabilities WHERE tenant_id = $1 AND asset_id = $2 AND cve = $3`, [
    input.tenantId, input.assetId, input.cve,
  ]);
  const [after] = await tx.query<AssetVulnerabilityObject>(
    `INSERT INTO asset_vulnerabilities (tenant_id, asset_id, cve, cvss, patch_state, description) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, asset_id, cve) DO UPDATE SET cvss = EXCLUDED.cvss, patch_state = EXCLUDED.patch_state,
       description = coalesce(EXCLUDED.description, asset_vulnerabilities.description), updated_at = now()
     RETURNING ${VULN_COLUMNS}`,
    [input.tenantId, input.assetId, input.cve, input.cvss ?? null, input.patchState ?? 'UNPATCHED', input.description ?? null],
  );
  await audit(tx, caller, input.tenantId, before ? 'asset_vulnerability.updated' : 'asset_vulnerability.created', 'asset_vulnerability', after.id, before ?? null, after);
  return after;
}
