import { type ApiContext, groupBy, loaderFor, withCallerRead } from '@watchfloor/auth';
import type { TenantDb } from '@watchfloor/tenancy';
import { ASSET_COLUMNS, VULN_COLUMNS, ZONE_COLUMNS } from './inventory-store';
import type { AssetObject, AssetVulnerabilityObject, ZoneObject } from './inventory.types';

/** Assets by id in the caller's scope (an id outside it loads as null). */
export function assetLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, AssetObject | null>(ctx, 'assets', async (ids) => {
    const rows = await withCallerRead(ctx, db, (tx) => tx.query<AssetObject>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = ANY($1::uuid[])`, [ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export function zoneLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, ZoneObject | null>(ctx, 'zones', async (ids) => {
    const rows = await withCallerRead(ctx, db, (tx) => tx.query<ZoneObject>(`SELECT ${ZONE_COLUMNS} FROM zones WHERE id = ANY($1::uuid[])`, [ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export function vulnerabilitiesByAssetLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, AssetVulnerabilityObject[]>(ctx, 'asset-vulnerabilities', async (assetIds) => {
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<AssetVulnerabilityObject>(`SELECT ${VULN_COLUMNS} FROM asset_vulnerabilities WHERE asset_id = ANY($1::uuid[]) ORDER BY cvss DESC NULLS LAST, cve`, [assetIds]),
    );
    const grouped = groupBy(rows, (r) => r.assetId);
    return assetIds.map((id) => grouped.get(id) ?? []);
  });
}
