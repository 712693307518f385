import crypto from 'node:crypto';
import { hashPassword } from '../auth/passwords';
import { hashApiKeySecret } from '../sensors/api-keys';
import type { SecretBox } from '../secrets/secret-box';
import type { TenantDb, ScopedTx } from '../tenancy/tenant-db';
import { Scope } from '../tenancy/tenant-scope';

/**
 * The demo MSP of DEMO.md: Riverside Water (the attacked utility) and Northgate Manufacturing
 * (the quiet neighbour that proves the walls). Seeding is idempotent: every row is found by its
 * natural key, and the demo's sensor keys are derived deterministically so a re-run prints the
 * same keys without storing them anywhere.
 */
export const DEMO_PASSWORD = 'watchfloor-demo-2026';

export interface DemoUser {
  email: string;
  displayName: string;
  role: 'PLATFORM_ADMIN' | 'SOC_LEAD' | 'SOC_ANALYST' | 'CUSTOMER_ADMIN' | 'CUSTOMER_VIEWER';
  tenants: string[];
}

export const DEMO_USERS: DemoUser[] = [
  { email: 'lead@watchfloor.local', displayName: 'Sam Lead (SOC lead)', role: 'SOC_LEAD', tenants: ['riverside-water', 'northgate-mfg'] },
  { email: 'analyst@watchfloor.local', displayName: 'Alex Analyst (SOC analyst)', role: 'SOC_ANALYST', tenants: ['riverside-water', 'northgate-mfg'] },
  { email: 'ops@riverside-water.example', displayName: 'Riverside operations', role: 'CUSTOMER_ADMIN', tenants: ['riverside-water'] },
  { email: 'viewer@riverside-water.example', displayName: 'Riverside viewer', role: 'CUSTOMER_VIEWER', tenants: ['riverside-water'] },
  { email: 'it@northgate.example', displayName: 'Northgate IT', role: 'CUSTOMER_ADMIN', tenants: ['northgate-mfg'] },
];

interface DemoTenant {
  slug: string;
  name: string;
  timezone: string;
  zones: { name: string; level: number; cidrs: string[] }[];
  conduits: { from: string; to: string; protocol: string; ports: number[]; description: string }[];
  assets: { name: string; ip: string; kind: string; vendor?: string; model?: string; firmware?: string; level: number; criticality: string; zone: string; cves?: { cve: string; cvss: number; description: string }[] }[];
  sensors: { name: string; kind: 'SURICATA' | 'ZEEK' | 'FIREWALL' | 'OT_MONITOR'; declaredLog?: string }[];
  sla: { severity: string; ack: number; resolve: number; businessHours: boolean }[];
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    slug: 'riverside-water',
    name: 'Riverside Water',
    timezone: 'Europe/Berlin',
    zones: [
      { name: 'Corporate IT', level: 4, cidrs: ['10.10.0.0/16'] },
      { name: 'Engineering', level: 3, cidrs: ['10.20.0.0/16'] },
      { name: 'Control', level: 1, cidrs: ['10.30.0.0/16'] },
      { name: 'Field', level: 0, cidrs: ['10.40.0.0/16'] },
    ],
    conduits: [
      { from: 'Engineering', to: 'Control', protocol: 'tcp', ports: [502], description: 'Modbus/TCP from engineering to the PLCs' },
      { from: 'Engineering', to: 'Control', protocol: 'tcp', ports: [44818], description: 'EtherNet/IP from engineering' },
      { from: 'Control', to: 'Field', protocol: 'tcp', ports: [502], description: 'Modbus/TCP from the PLCs to field devices' },
    ],
    assets: [
      { name: 'Pump station PLC', ip: '10.30.0.11', kind: 'PLC', vendor: 'Schneider Electric', model: 'Modicon M340', firmware: '3.20', level: 1, criticality: 'CRITICAL', zone: 'Control' },
      { name: 'Chlorine dosing PLC', ip: '10.30.0.12', kind: 'PLC', vendor: 'Schneider Electric', model: 'Modicon M340', firmware: '3.20', level: 1, criticality: 'CRITICAL', zone: 'Control' },
      { name: 'SCADA HMI', ip: '10.30.0.20', kind: 'HMI', vendor: 'AVEVA', model: 'InTouch 2020', level: 2, criticality: 'HIGH', zone: 'Control' },
      { name: 'Historian', ip: '10.20.0.30', kind: 'Historian', vendor: 'AVEVA', model: 'Historian 2020', level: 3, criticality: 'MEDIUM', zone: 'Engineering' },
      {
        name: 'Engineering workstation', ip: '10.20.1.5', kind: 'Workstation', vendor: 'Dell', model: 'Precision 3650', firmware: 'Windows 10 21H2', level: 3, criticality: 'HIGH', zone: 'Engineering',
        cves: [{ cve: 'CVE-2021-22779', cvss: 9.8, description: 'EcoStruxure Control Expert authentication bypass (Modicon M340/M580 programming)' }],
      },
    ],
    sensors: [
      { name: 'zeek-control-span', kind: 'ZEEK' },
      { name: 'suricata-it-ot-firewall', kind: 'SURICATA' },
    ],
    sla: [
      { severity: 'CRITICAL', ack: 15, resolve: 240, businessHours: false },
      { severity: 'HIGH', ack: 30, resolve: 480, businessHours: false },
      { severity: 'MEDIUM', ack: 240, resolve: 1440, businessHours: true },
      { severity: 'LOW', ack: 480, resolve: 2880, businessHours: true },
    ],
  },
  {
    slug: 'northgate-mfg',
    name: 'Northgate Manufacturing',
    timezone: 'America/New_York',
    zones: [
      { name: 'Office', level: 4, cidrs: ['172.16.0.0/16'] },
      { name: 'Plant floor', level: 2, cidrs: ['172.20.0.0/16'] },
    ],
    conduits: [{ from: 'Office', to: 'Plant floor', protocol: 'tcp', ports: [443], description: 'MES web access' }],
    assets: [
      { name: 'Press line PLC', ip: '172.20.1.10', kind: 'PLC', vendor: 'Rockwell', model: 'ControlLogix 5580', firmware: '33.011', level: 1, criticality: 'HIGH', zone: 'Plant floor' },
      { name: 'MES server', ip: '172.20.0.5', kind: 'Server', level: 3, criticality: 'MEDIUM', zone: 'Plant floor' },
    ],
    sensors: [{ name: 'zeek-plant', kind: 'ZEEK' }],
    sla: [
      { severity: 'CRITICAL', ack: 15, resolve: 240, businessHours: false },
      { severity: 'HIGH', ack: 60, resolve: 720, businessHours: false },
      { severity: 'MEDIUM', ack: 240, resolve: 2880, businessHours: false },
      { severity: 'LOW', ack: 1440, resolve: 10080, businessHours: false },
    ],
  },
];

/** Deterministic demo key: never use outside the demo. */
export function demoSensorKey(slug: string, sensorName: string): { key: string; prefix: string; hash: string } {
  const digest = crypto.createHash('sha256').update(`watchfloor-demo-key:${slug}:${sensorName}`).digest();
  const prefix = digest.subarray(0, 9).toString('hex').slice(0, 12);
  const secret = digest.toString('base64url').padEnd(43, 'A').slice(0, 43);
  return { key: `wfk_${prefix}_${secret}`, prefix, hash: hashApiKeySecret(secret) };
}

export interface DemoSeedResult {
  tenants: Record<string, string>;
  sensorKeys: { tenant: string; sensor: string; key: string }[];
  users: { email: string; role: string; password: string }[];
}

async function upsertId(tx: ScopedTx, select: string, params: unknown[], insert: string, insertParams: unknown[]): Promise<string> {
  const [found] = await tx.query<{ id: string }>(select, params);
  if (found) return found.id;
  const [row] = await tx.query<{ id: string }>(insert, insertParams);
  return row.id;
}

export async function seedDemo(db: TenantDb, options: { secrets: SecretBox; webhookSinkUrl: string; webhookSecret: string }): Promise<DemoSeedResult> {
  const result: DemoSeedResult = { tenants: {}, sensorKeys: [], users: [] };
  await db.withScope(Scope.all('seed demo tenants'), async (tx) => {
    for (const t of DEMO_TENANTS) {
      result.tenants[t.slug] = await upsertId(
        tx,
        `SELECT id FROM tenants WHERE slug = $1`,
        [t.slug],
        `INSERT INTO tenants (name, slug, timezone) VALUES ($1, $2, $3) RETURNING id`,
        [t.name, t.slug, t.timezone],
      );
    }
  });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const userIds: Record<string, string> = {};
  await db.withoutTenant(async (tx) => {
    for (const u of DEMO_USERS) {
      userIds[u.email] = await upsertId(
        tx,
        `SELECT id FROM users WHERE lower(email) = lower($1)`,
        [u.email],
        `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id`,
        [u.email, u.displayName, passwordHash, u.role],
      );
      result.users.push({ email: u.email, role: u.role, password: DEMO_PASSWORD });
    }
  });
  for (const t of DEMO_TENANTS) {
    const tenantId = result.tenants[t.slug];
    await db.withScope(Scope.tenant(tenantId), async (tx) => {
      for (const u of DEMO_USERS.filter((user) => user.tenants.includes(t.slug))) {
        await tx.query(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [tenantId, userIds[u.email]]);
      }
      const zoneIds: Record<string, string> = {};
      for (const z of t.zones) {
        zoneIds[z.name] = await upsertId(
          tx,
          `SELECT id FROM zones WHERE tenant_id = $1 AND name = $2`,
          [tenantId, z.name],
          `INSERT INTO zones (tenant_id, name, purdue_level, cidrs) VALUES ($1, $2, $3, $4::cidr[]) RETURNING id`,
          [tenantId, z.name, z.level, z.cidrs],
        );
      }
      for (const c of t.conduits) {
        await upsertId(
          tx,
          `SELECT id FROM conduits WHERE tenant_id = $1 AND from_zone_id = $2 AND to_zone_id = $3 AND protocol = $4 AND ports = $5::int[]`,
          [tenantId, zoneIds[c.from], zoneIds[c.to], c.protocol, c.ports],
          `INSERT INTO conduits (tenant_id, from_zone_id, to_zone_id, protocol, ports, description) VALUES ($1, $2, $3, $4, $5::int[], $6) RETURNING id`,
          [tenantId, zoneIds[c.from], zoneIds[c.to], c.protocol, c.ports, c.description],
        );
      }
      for (const a of t.assets) {
        const assetId = await upsertId(
          tx,
          `SELECT id FROM assets WHERE tenant_id = $1 AND ip = $2::inet`,
          [tenantId, a.ip],
          `INSERT INTO assets (tenant_id, name, ip, kind, vendor, model, firmware, purdue_level, criticality, zone_id, first_seen_at)
           VALUES ($1, $2, $3::inet, $4, $5, $6, $7, $8, $9, $10, now()) RETURNING id`,
          [tenantId, a.name, a.ip, a.kind, a.vendor ?? null, a.model ?? null, a.firmware ?? null, a.level, a.criticality, zoneIds[a.zone]],
        );
        for (const v of a.cves ?? []) {
          await tx.query(
            `INSERT INTO asset_vulnerabilities (tenant_id, asset_id, cve, cvss, description) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, asset_id, cve) DO NOTHING`,
            [tenantId, assetId, v.cve, v.cvss, v.description],
          );
        }
      }
      for (const s of t.sensors) {
        const sensorId = await upsertId(
          tx,
          `SELECT id FROM sensors WHERE tenant_id = $1 AND name = $2`,
          [tenantId, s.name],
          `INSERT INTO sensors (tenant_id, name, kind, declared_log, expected_interval_seconds) VALUES ($1, $2, $3, $4, 900) RETURNING id`,
          [tenantId, s.name, s.kind, s.declaredLog ?? null],
        );
        const key = demoSensorKey(t.slug, s.name);
        await tx.query(
          `INSERT INTO api_keys (tenant_id, sensor_id, key_prefix, key_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (key_prefix) DO NOTHING`,
          [tenantId, sensorId, key.prefix, key.hash],
        );
        result.sensorKeys.push({ tenant: t.slug, sensor: s.name, key: key.key });
      }
      for (const p of t.sla) {
        const calendar = p.businessHours
          ? { kind: 'business', timezone: t.timezone, businessHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '17:00' })), holidays: [] }
          : { kind: '24x7' };
        await tx.query(
          `INSERT INTO sla_policies (tenant_id, severity, acknowledge_minutes, resolve_minutes, calendar)
           SELECT $1, $2, $3, $4, $5::jsonb WHERE NOT EXISTS (SELECT 1 FROM sla_policies WHERE tenant_id = $1 AND severity = $2 AND active)`,
          [tenantId, p.severity, p.ack, p.resolve, JSON.stringify(calendar)],
        );
      }
      const endpointId = await upsertId(
        tx,
        `SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND name = 'On-call (local sink)'`,
        [tenantId],
        `INSERT INTO webhook_endpoints (tenant_id, name, kind, url, secret_ciphertext) VALUES ($1, 'On-call (local sink)', 'STANDARD', $2, $3) RETURNING id`,
        [tenantId, options.webhookSinkUrl, options.secrets.seal(options.webhookSecret)],
      );
      // The sink may listen on another port this run.
      await tx.query(`UPDATE webhook_endpoints SET url = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND url <> $3`, [tenantId, endpointId, options.webhookSinkUrl]);
      const policyId = await upsertId(
        tx,
        `SELECT id FROM escalation_policies WHERE tenant_id = $1 AND name = 'Default on-call'`,
        [tenantId],
        `INSERT INTO escalation_policies (tenant_id, name, min_severity, repeat, ack_timeout_seconds) VALUES ($1, 'Default on-call', 'MEDIUM', 1, 1800) RETURNING id`,
        [tenantId],
      );
      await tx.query(
        `INSERT INTO escalation_levels (tenant_id, policy_id, position, delay_seconds, webhook_endpoint_ids)
         VALUES ($1, $2, 1, 0, ARRAY[$3]::uuid[]), ($1, $2, 2, 600, ARRAY[$3]::uuid[]) ON CONFLICT (tenant_id, policy_id, position) DO NOTHING`,
        [tenantId, policyId, endpointId],
      );
    });
  }
  return result;
}
