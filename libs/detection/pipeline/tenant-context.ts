// Per-tenant inputs of a detect batch that change rarely: settings, and the OT model compiled
// into an OtContext. The compiled context is cached per worker, keyed by the rule-set version
// (built-in detections can be disabled per tenant) and a fingerprint of zones, conduits, assets
// and tenant settings read with one cheap query per batch (count + newest updated_at per table),
// so an edit through any API replica is seen by every worker on its next batch.
import { compileOtContext, type OtAsset, type OtContext, type OtSettings, type OtZone, type Criticality } from '@watchfloor/detection/ot';
import type { TenantRules } from '@watchfloor/detection/rules';
import type { ScopedTx } from '@watchfloor/tenancy';

export interface TenantOtModel {
  key: string;
  /** Null when the tenant has no zones (OT detections then do not run) or the model is invalid. */
  context: OtContext | null;
  errors: string[];
  zones: OtZone[];
  assets: OtAsset[];
  /** Always compiled (even without zones) so alerts can name assets by address. */
  lookup: OtContext | null;
}

export interface TenantBasics {
  settings: Record<string, unknown>;
  fingerprint: string;
}

export async function loadTenantBasics(tx: ScopedTx, tenantId: string): Promise<TenantBasics | null> {
  const [row] = await tx.query<{ settings: Record<string, unknown>; fingerprint: string }>(
    `SELECT t.settings,
            concat_ws('|', t.updated_at::text, md5(t.settings::text),
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM zones WHERE tenant_id = t.id),
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM conduits WHERE tenant_id = t.id),
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM assets WHERE tenant_id = t.id)) AS fingerprint
       FROM tenants t WHERE t.id = $1`,
    [tenantId],
  );
  return row ?? null;
}

/** tenants.settings.ot, with per-tenant BUILTIN rule settings (enabled, severity override) applied on top. */
export function otSettingsOf(settings: Record<string, unknown>, rules: TenantRules): OtSettings {
  const base = (settings.ot && typeof settings.ot === 'object' ? settings.ot : {}) as OtSettings;
  const detections = { ...(base.detections ?? {}) };
  for (const [name, b] of Object.entries(rules.builtins)) {
    if (!b) continue;
    const own = detections[name as keyof typeof detections] ?? {};
    detections[name as keyof typeof detections] = { ...own, ...b.setting };
  }
  return { ...base, detections };
}

async function loadModel(tx: ScopedTx, tenantId: string) {
  const zones = await tx.query<{ id: string; name: string; purdue_level: number; cidrs: string[] }>(
    `SELECT id, name, purdue_level, cidrs::text[] AS cidrs FROM zones WHERE tenant_id = $1 ORDER BY id`,
    [tenantId],
  );
  const conduits = await tx.query<{ id: string; from_zone_id: string; to_zone_id: string; protocol: string; ports: number[] | null; bidirectional: boolean }>(
    `SELECT id, from_zone_id, to_zone_id, protocol, ports, bidirectional FROM conduits WHERE tenant_id = $1 ORDER BY id`,
    [tenantId],
  );
  const assets = await tx.query<{ id: string; name: string; ip: string | null; purdue_level: number | null; criticality: Criticality; zone_id: string | null }>(
    `SELECT id, name, host(ip) AS ip, purdue_level, criticality, zone_id FROM assets WHERE tenant_id = $1 ORDER BY id`,
    [tenantId],
  );
  return {
    zones: zones.map((z) => ({ id: z.id, name: z.name, purdueLevel: z.purdue_level, cidrs: z.cidrs })),
    conduits: conduits.map((c) => ({ id: c.id, fromZoneId: c.from_zone_id, toZoneId: c.to_zone_id, protocol: c.protocol, ports: c.ports, bidirectional: c.bidirectional })),
    assets: assets.map((a) => ({ id: a.id, name: a.name, ip: a.ip, purdueLevel: a.purdue_level, criticality: a.criticality, zoneId: a.zone_id })),
  };
}

export interface OtModelCache {
  get(tx: ScopedTx, tenantId: string, basics: TenantBasics, rules: TenantRules): Promise<TenantOtModel>;
  readonly compilations: number;
}

export function createOtModelCache(options: { maxTenants?: number } = {}): OtModelCache {
  const maxTenants = options.maxTenants ?? 1000;
  const cache = new Map<string, TenantOtModel>();
  let compilations = 0;
  return {
    get compilations() {
      return compilations;
    },
    async get(tx, tenantId, basics, rules) {
      const key = `${rules.versionKey}|${basics.fingerprint}`;
      const hit = cache.get(tenantId);
      if (hit && hit.key === key) return hit;
      const model = await loadModel(tx, tenantId);
      const settings = otSettingsOf(basics.settings, rules);
      const full = compileOtContext({ ...model, settings });
      // A model error must not hide assets from alerts: fall back to an asset-only lookup.
      const lookup = full.ok ? full.context : (() => {
        const r = compileOtContext({ zones: [], conduits: [], assets: model.assets.map((a) => ({ ...a, zoneId: null })), settings: {} });
        return r.ok ? r.context : null;
      })();
      const entry: TenantOtModel = {
        key,
        context: full.ok && model.zones.length > 0 ? full.context : null,
        errors: full.ok ? [] : full.errors,
        zones: model.zones,
        assets: model.assets,
        lookup,
      };
      compilations++;
      cache.delete(tenantId);
      cache.set(tenantId, entry);
      while (cache.size > maxTenants) cache.delete(cache.keys().next().value as string);
      return entry;
    },
  };
}
