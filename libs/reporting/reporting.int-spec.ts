import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { generateReport, INCIDENT_CSV_COLUMNS, ReportingError, renderReportJson, streamIncidentCsv, tenantSummary, type TenantSummary } from './index';

/** RFC 4180 parser for the test's own reading of the CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Period: one week in New York time (EST, UTC-5): 2 Nov 2026 00:00 → 9 Nov 2026 00:00 local.
const FROM = new Date('2026-11-02T05:00:00Z');
const TO = new Date('2026-11-09T05:00:00Z');
const TZ = 'America/New_York';
const at = (iso: string, plusSeconds = 0) => new Date(new Date(iso).getTime() + plusSeconds * 1000);

interface Seed {
  title: string;
  severity: string;
  status: string;
  created: string;
  ackAfter?: number;
  resolveAfter?: number;
  paused?: number;
  storedTta?: number;
  storedTtr?: number;
  due?: boolean;
  ackBreached?: boolean;
  resolveBreached?: boolean;
  techniques?: string[];
  assets?: string[];
  merged?: boolean;
}

describe('reporting: numbers agree between summary, CSV and JSON', () => {
  let t: TestDatabase;
  const tenantId = crypto.randomUUID();
  const otherTenant = crypto.randomUUID();
  const plc = crypto.randomUUID();
  const hmi = crypto.randomUUID();
  const sensorLive = crypto.randomUUID();
  const sensorSilent = crypto.randomUUID();
  const zoneControl = crypto.randomUUID();

  // Per-incident figures the report must find: tta/ttr noted beside each.
  const seeds: Seed[] = [
    // wall clock: tta 600, ttr 7200 − 1200 paused = 6000. Created 23:30 local on 2 Nov (UTC day 3 Nov).
    { title: 'Modbus write to PLC', severity: 'HIGH', status: 'RESOLVED', created: '2026-11-03T04:30:00Z', ackAfter: 600, resolveAfter: 7200, paused: 1200, due: true, techniques: ['T0855', 'T0836'], assets: [plc] },
    // stored business-time figures win: tta 300, ttr 3600 (wall clock would be 1800 / 10800).
    { title: 'Scan from IT, "quoted", with comma', severity: 'HIGH', status: 'CLOSED', created: '2026-11-04T14:00:00Z', ackAfter: 1800, resolveAfter: 10800, storedTta: 300, storedTtr: 3600, due: true, ackBreached: true, techniques: ['T0846'], assets: [hmi] },
    // tta 120, ttr 900
    { title: '=HYPERLINK("x") false alarm', severity: 'CRITICAL', status: 'FALSE_POSITIVE', created: '2026-11-05T10:00:00Z', ackAfter: 120, resolveAfter: 900, due: true, techniques: ['T0855'], assets: [plc] },
    // tta 240, not resolved, resolve breached
    { title: 'PLC program download', severity: 'CRITICAL', status: 'INVESTIGATING', created: '2026-11-05T12:00:00Z', ackAfter: 240, due: true, resolveBreached: true, techniques: ['T0843'], assets: [plc, hmi] },
    // never acknowledged, no SLA
    { title: 'Informational', severity: 'LOW', status: 'NEW', created: '2026-11-06T09:00:00Z' },
    // fractional wall clock: tta round(90.4) = 90, ttr round(4000.6) − 500 = 3501; both breached
    { title: 'DNP3 cold restart', severity: 'MEDIUM', status: 'RESOLVED', created: '2026-11-07T09:00:00Z', ackAfter: 90.4, resolveAfter: 4000.6, paused: 500, due: true, ackBreached: true, resolveBreached: true },
    // outside the period, and merged: both left out
    { title: 'Before the period', severity: 'HIGH', status: 'RESOLVED', created: '2026-11-02T04:59:59Z', ackAfter: 5, resolveAfter: 10, due: true, ackBreached: true },
    { title: 'Merged away', severity: 'HIGH', status: 'CLOSED', created: '2026-11-04T15:00:00Z', ackAfter: 5, resolveAfter: 10, due: true, ackBreached: true, merged: true },
  ];
  const expectedTta = [600, 300, 120, 240, 90];
  const expectedTtr = [6000, 3600, 900, 3501];

  let summary: TenantSummary;

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.withScope(Scope.tenants([tenantId, otherTenant]), async (tx) => {
      await tx.query(`INSERT INTO tenants (id, name, slug, timezone) VALUES ($1, 'Acme Water', $2, $3), ($4, 'Other', $5, 'UTC')`, [tenantId, `acme-${tenantId.slice(0, 8)}`, TZ, otherTenant, `other-${otherTenant.slice(0, 8)}`]);
      await tx.query(`INSERT INTO zones (tenant_id, id, name, purdue_level) VALUES ($1, $2, 'Control', 1)`, [tenantId, zoneControl]);
      await tx.query(
        `INSERT INTO assets (tenant_id, id, name, criticality, zone_id) VALUES ($1, $2, 'PLC-1', 'CRITICAL', $4), ($1, $3, 'HMI-1', 'HIGH', $4)`,
        [tenantId, plc, hmi, zoneControl],
      );
      await tx.query(
        `INSERT INTO asset_vulnerabilities (tenant_id, asset_id, cve, patch_state) VALUES
          ($1, $2, 'CVE-2021-22779', 'UNPATCHED'), ($1, $2, 'CVE-2022-0001', 'MITIGATED'), ($1, $3, 'CVE-2020-0002', 'UNPATCHED'), ($1, $3, 'CVE-2020-0003', 'PATCHED')`,
        [tenantId, plc, hmi],
      );
      await tx.query(
        `INSERT INTO sensors (tenant_id, id, name, kind, expected_interval_seconds, last_event_at, created_at) VALUES
          ($1, $2, 'ot-monitor', 'OT_MONITOR', 900, $4, '2026-10-01'), ($1, $3, 'zeek-span', 'ZEEK', 900, $5, '2026-10-01')`,
        [tenantId, sensorLive, sensorSilent, at(TO.toISOString(), -60), at(TO.toISOString(), -3 * 3600)],
      );
      const batch = crypto.randomUUID();
      await tx.query(`INSERT INTO ingest_batches (tenant_id, id, sensor_id, format, accepted) VALUES ($1, $2, $3, 'x', 1)`, [tenantId, batch, sensorLive]);
      // Events: two on 2 Nov local (one of them 3 Nov UTC), one on 8 Nov local; the silent sensor's last one 3 h before the end.
      const events: [string, string][] = [
        [sensorLive, '2026-11-02T12:00:00Z'],
        [sensorLive, '2026-11-03T04:59:00Z'],
        [sensorLive, at(TO.toISOString(), -60).toISOString()],
        [sensorSilent, at(TO.toISOString(), -3 * 3600).toISOString()],
        [sensorLive, '2026-11-09T06:00:00Z'],
      ];
      for (const [sensor, ts] of events) {
        await tx.query(`SELECT wf_ensure_event_partition(($1::timestamptz AT TIME ZONE 'UTC')::date)`, [ts]);
        await tx.query(
          `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, severity, raw)
           VALUES ($1, $2, $3, $3, $4, $5, 'x', 'x', 'x', 'flow', 1, '{}')`,
          [tenantId, crypto.randomUUID(), ts, sensor, batch],
        );
      }
      for (const s of seeds) {
        const created = new Date(s.created);
        const id = crypto.randomUUID();
        await tx.query(
          `INSERT INTO incidents (tenant_id, id, title, severity, status, grouping_key, window_started_at, last_alert_at, created_at,
             acknowledged_at, resolved_at, paused_seconds, time_to_acknowledge_seconds, time_to_resolve_seconds,
             acknowledge_due_at, resolve_due_at, acknowledge_breached_at, resolve_breached_at, techniques, asset_ids, merged_into_id)
           VALUES ($1, $2, $3, $4, $5, $19, $6, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
          [
            tenantId, id, s.title, s.severity, s.status, created,
            s.ackAfter === undefined ? null : at(s.created, s.ackAfter),
            s.resolveAfter === undefined ? null : at(s.created, s.resolveAfter),
            s.paused ?? 0, s.storedTta ?? null, s.storedTtr ?? null,
            s.due ? at(s.created, 900) : null, s.due ? at(s.created, 14400) : null,
            s.ackBreached ? at(s.created, 900) : null, s.resolveBreached ? at(s.created, 14400) : null,
            s.techniques ?? [], s.assets ?? [], s.merged ? crypto.randomUUID() : null, `key-${id}`,
          ],
        );
      }
      // Another tenant's incident in the same period must not count.
      await tx.query(
        `INSERT INTO incidents (tenant_id, title, severity, status, grouping_key, window_started_at, last_alert_at, created_at, acknowledged_at, acknowledge_due_at, acknowledge_breached_at)
         VALUES ($1, 'other', 'HIGH', 'ACKNOWLEDGED', 'o', $2, $2, $2, $2, $2, $2)`,
        [otherTenant, new Date('2026-11-04T00:00:00Z')],
      );
      // Alerts: two segmentation violations touching the PLC, one Sigma alert, one outside the period.
      const alert = (rule: string, title: string, author: string | null, created: string, assets: string[]) =>
        tx.query(
          `INSERT INTO alerts (tenant_id, dedup_key, rule_kind, rule_ref, rule_title, rule_author, severity, event_ts, grouping_key, created_at, asset_ids, src_ip, dst_ip)
           VALUES ($1, $2, 'OT', $3, $4, $5, 'HIGH', $6, 'g', $6, $7, '10.10.0.5', '10.30.0.11')`,
          [tenantId, crypto.randomUUID(), rule, title, author, created, assets],
        );
      await alert('segmentation_violation', 'IT to control zone without conduit', null, '2026-11-04T10:00:00Z', [plc]);
      await alert('segmentation_violation', 'IT to control zone without conduit', null, '2026-11-05T10:00:00Z', [plc]);
      await alert('sigma-1', 'Suspicious PowerShell', 'Jane Doe', '2026-11-05T11:00:00Z', []);
      await alert('sigma-1', 'Suspicious PowerShell', 'Jane Doe', '2026-10-01T11:00:00Z', []);
    });
    summary = await t.db.withScope(Scope.tenant(tenantId), (tx) => tenantSummary(tx, { tenantId, from: FROM, to: TO, timezone: TZ }));
  });
  afterAll(() => t.drop());

  it('computes MTTA and MTTR (mean and median) exactly, stored business time first, paused time excluded', () => {
    expect(summary.timeToAcknowledge).toMatchObject({ count: 5, meanSeconds: mean(expectedTta), medianSeconds: median(expectedTta) });
    expect(summary.timeToAcknowledge.meanSeconds).toBe(270);
    expect(summary.timeToAcknowledge.medianSeconds).toBe(240);
    expect(summary.timeToResolve).toMatchObject({ count: 4, meanSeconds: 3500.25, medianSeconds: 3550.5 });
    expect(summary.timeToAcknowledge.bySeverity.HIGH).toEqual({ count: 2, meanSeconds: 450, medianSeconds: 450 });
    expect(summary.timeToResolve.bySeverity.HIGH).toEqual({ count: 2, meanSeconds: 4800, medianSeconds: 4800 });
    expect(summary.timeToAcknowledge.bySeverity.CRITICAL).toEqual({ count: 2, meanSeconds: 180, medianSeconds: 180 });
    expect(summary.timeToResolve.bySeverity.CRITICAL).toEqual({ count: 1, meanSeconds: 900, medianSeconds: 900 });
    expect(summary.timeToResolve.bySeverity.MEDIUM).toEqual({ count: 1, meanSeconds: 3501, medianSeconds: 3501 });
    expect(summary.timeToAcknowledge.bySeverity.LOW).toEqual({ count: 0, meanSeconds: null, medianSeconds: null });
  });

  it('counts SLA compliance and breaches per severity', () => {
    expect(summary.sla).toMatchObject({ withDueTime: 5, compliant: 2, compliancePercent: 40, acknowledgeBreaches: 2, resolveBreaches: 2 });
    expect(summary.sla.bySeverity.HIGH).toEqual({ withDueTime: 2, compliant: 1, compliancePercent: 50, acknowledgeBreaches: 1, resolveBreaches: 0 });
    expect(summary.sla.bySeverity.CRITICAL).toEqual({ withDueTime: 2, compliant: 1, compliancePercent: 50, acknowledgeBreaches: 0, resolveBreaches: 1 });
    expect(summary.sla.bySeverity.MEDIUM).toEqual({ withDueTime: 1, compliant: 0, compliancePercent: 0, acknowledgeBreaches: 1, resolveBreaches: 1 });
    expect(summary.sla.bySeverity.LOW.compliancePercent).toBeNull();
  });

  it('counts incidents by severity and status, the false-positive rate, and days in the tenant zone', () => {
    expect(summary.incidents.total).toBe(6);
    expect(summary.incidents.bySeverity).toEqual({ CRITICAL: 2, HIGH: 2, MEDIUM: 1, LOW: 1, INFO: 0 });
    expect(summary.incidents.byStatus).toMatchObject({ RESOLVED: 2, CLOSED: 1, FALSE_POSITIVE: 1, INVESTIGATING: 1, NEW: 1, ACKNOWLEDGED: 0 });
    expect(summary.falsePositives).toEqual({ falsePositive: 1, concluded: 4, ratePercent: 25 });
    expect(summary.days.map((d) => d.day)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08']);
    // 04:30 UTC on 3 Nov is 23:30 on 2 Nov in New York.
    expect(summary.days[0]).toMatchObject({ opened: 1, openedBySeverity: { HIGH: 1 }, meanTimeToAcknowledgeSeconds: 600, meanTimeToResolveSeconds: 6000, timeToAcknowledgeCount: 1, timeToResolveCount: 1 });
    expect(summary.days[1].opened).toBe(0);
    expect(summary.days[3]).toMatchObject({ opened: 2, openedBySeverity: { CRITICAL: 2 }, meanTimeToAcknowledgeSeconds: 180, timeToAcknowledgeCount: 2, timeToResolveCount: 1 });
    // Resolved per day goes by resolution time, so the incident opened just before the period and
    // resolved 10 s into it counts on 2 Nov; the first incident resolved 06:30 UTC = 01:30 local on 3 Nov.
    expect(summary.days.map((d) => d.resolved)).toEqual([1, 1, 1, 1, 0, 1, 0]);
  });

  it('lists rules with authors, techniques with ATT&CK names, assets, zones and OT figures', () => {
    expect(summary.topRules).toEqual([
      { ruleRef: 'segmentation_violation', title: 'IT to control zone without conduit', author: null, alerts: 2 },
      { ruleRef: 'sigma-1', title: 'Suspicious PowerShell', author: 'Jane Doe', alerts: 1 },
    ]);
    expect(summary.techniques[0]).toEqual({ id: 'T0855', name: 'Unauthorized Command Message', incidents: 2 });
    expect(summary.techniques.map((x) => x.id).sort()).toEqual(['T0836', 'T0843', 'T0846', 'T0855']);
    expect(summary.topAssets.map((a) => [a.name, a.incidents, a.zone])).toEqual([
      ['PLC-1', 3, 'Control'],
      ['HMI-1', 2, 'Control'],
    ]);
    expect(summary.zones).toEqual([{ id: zoneControl, name: 'Control', purdueLevel: 1, assets: 2, incidents: 4, segmentationViolations: 2 }]);
    expect(summary.ot.segmentationViolations).toBe(2);
    expect(summary.ot.recentSegmentationViolations[0]).toMatchObject({ srcIp: '10.10.0.5', dstIp: '10.30.0.11', createdAt: '2026-11-05T10:00:00.000Z' });
    expect(summary.ot.criticalAssetsTouched.map((a) => a.name)).toEqual(['PLC-1']);
    expect(summary.openVulnerabilities).toEqual([
      { criticality: 'CRITICAL', unpatched: 1, mitigated: 1 },
      { criticality: 'HIGH', unpatched: 1, mitigated: 0 },
      { criticality: 'MEDIUM', unpatched: 0, mitigated: 0 },
      { criticality: 'LOW', unpatched: 0, mitigated: 0 },
    ]);
  });

  it('counts events per sensor and day in the tenant zone and finds the sensor that fell silent', () => {
    expect(summary.eventsPerSensorDay.filter((e) => e.sensorId === sensorLive)).toEqual([
      { sensorId: sensorLive, day: '2026-11-02', events: 2 },
      { sensorId: sensorLive, day: '2026-11-08', events: 1 },
    ]);
    const byName = Object.fromEntries(summary.sensors.map((s) => [s.name, s]));
    expect(byName['ot-monitor']).toMatchObject({ events: 3, silentAtPeriodEnd: false });
    expect(byName['zeek-span']).toMatchObject({ events: 1, silentAtPeriodEnd: true });
  });

  it('streams a CSV whose rows reproduce the summary figures exactly', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({ write(chunk, _e, done) { chunks.push(Buffer.from(chunk)); done(); } });
    const count = await t.db.withScope(Scope.tenant(tenantId), (tx) => streamIncidentCsv(tx, { tenantId, from: FROM, to: TO }, sink));
    const rows = parseCsv(Buffer.concat(chunks).toString('utf8'));
    expect(count).toBe(6);
    expect(rows[0]).toEqual([...INCIDENT_CSV_COLUMNS]);
    const records = rows.slice(1).map((r) => Object.fromEntries(INCIDENT_CSV_COLUMNS.map((c, i) => [c, r[i]])));
    expect(records).toHaveLength(6);
    const tta = records.filter((r) => r.time_to_acknowledge_s !== '').map((r) => Number(r.time_to_acknowledge_s));
    const ttr = records.filter((r) => r.time_to_resolve_s !== '').map((r) => Number(r.time_to_resolve_s));
    expect(mean(tta)).toBe(summary.timeToAcknowledge.meanSeconds);
    expect(median(tta)).toBe(summary.timeToAcknowledge.medianSeconds);
    expect(mean(ttr)).toBe(summary.timeToResolve.meanSeconds);
    expect(median(ttr)).toBe(summary.timeToResolve.medianSeconds);
    const withDue = records.filter((r) => r.acknowledge_due !== '' || r.resolve_due !== '');
    const compliant = withDue.filter((r) => r.acknowledge_breached === 'no' && r.resolve_breached === 'no');
    expect((compliant.length / withDue.length) * 100).toBe(summary.sla.compliancePercent);
    expect(records.filter((r) => r.acknowledge_breached === 'yes')).toHaveLength(summary.sla.acknowledgeBreaches);
    expect(records.filter((r) => r.resolve_breached === 'yes')).toHaveLength(summary.sla.resolveBreaches);
    // Escaping: quotes and commas survive, a formula is neutralised, lists are joined.
    expect(records[1].title).toBe('Scan from IT, "quoted", with comma');
    expect(records[2].title).toBe(`'=HYPERLINK("x") false alarm`);
    expect(records[0]).toMatchObject({ severity: 'HIGH', created: '2026-11-03T04:30:00.000Z', time_to_acknowledge_s: '600', time_to_resolve_s: '6000', techniques: 'T0855;T0836', assets: 'PLC-1' });
    expect(records[3].assets).toBe('HMI-1;PLC-1');
  });

  it('reads the CSV through the cursor in chunks and gives the same bytes whatever the chunk size', async () => {
    const csvWith = async (fetchRows: number) => {
      const chunks: Buffer[] = [];
      let writes = 0;
      const sink = new Writable({ highWaterMark: 1, write(chunk, _e, done) { writes++; chunks.push(Buffer.from(chunk)); setImmediate(done); } });
      const n = await t.db.withScope(Scope.tenant(tenantId), (tx) => streamIncidentCsv(tx, { tenantId, from: FROM, to: TO }, sink, { fetchRows }));
      return { n, writes, text: Buffer.concat(chunks).toString('utf8') };
    };
    const whole = await csvWith(1000);
    const byFour = await csvWith(4);
    const byThree = await csvWith(3);
    expect([whole.n, byFour.n, byThree.n]).toEqual([6, 6, 6]);
    expect(byFour.text).toBe(whole.text);
    expect(byThree.text).toBe(whole.text);
    // header + one write per fetched chunk
    expect([whole.writes, byFour.writes, byThree.writes]).toEqual([2, 3, 3]);
  });

  it('renders JSON carrying the same figures', () => {
    const json = JSON.parse(renderReportJson(summary).toString('utf8'));
    expect(json.reportFormatVersion).toBe(1);
    expect(json.timeToAcknowledge.meanSeconds).toBe(270);
    expect(json.timeToResolve.medianSeconds).toBe(3550.5);
    expect(json.sla.compliancePercent).toBe(40);
    expect(json.sla.bySeverity.MEDIUM.resolveBreaches).toBe(1);
    expect(json).toEqual({ reportFormatVersion: 1, ...summary });
  });

  it('reports an empty period with zeros and nulls, every day listed', async () => {
    const empty = await t.db.withScope(Scope.tenant(tenantId), (tx) =>
      tenantSummary(tx, { tenantId, from: new Date('2025-02-01T05:00:00Z'), to: new Date('2025-02-04T05:00:00Z'), timezone: TZ }),
    );
    expect(empty.incidents.total).toBe(0);
    expect(empty.timeToAcknowledge).toMatchObject({ count: 0, meanSeconds: null, medianSeconds: null });
    expect(empty.sla).toMatchObject({ withDueTime: 0, compliancePercent: null, acknowledgeBreaches: 0 });
    expect(empty.falsePositives.ratePercent).toBeNull();
    expect(empty.days.map((d) => [d.day, d.opened, d.resolved, d.meanTimeToAcknowledgeSeconds])).toEqual([
      ['2025-02-01', 0, 0, null],
      ['2025-02-02', 0, 0, null],
      ['2025-02-03', 0, 0, null],
    ]);
    expect(empty.topRules).toEqual([]);
    expect(empty.techniques).toEqual([]);
    expect(empty.ot.segmentationViolations).toBe(0);
  });

  it('refuses a tenant outside the transaction scope instead of reporting nothing', async () => {
    await expect(t.db.withScope(Scope.tenant(otherTenant), (tx) => tenantSummary(tx, { tenantId, from: FROM, to: TO, timezone: TZ }))).rejects.toThrow(/outside this transaction's scope/);
    const sink = new Writable({ write(_c, _e, done) { done(); } });
    await expect(t.db.withScope(Scope.tenant(otherTenant), (tx) => streamIncidentCsv(tx, { tenantId, from: FROM, to: TO }, sink))).rejects.toBeInstanceOf(ReportingError);
  });

  it('rejects a bad period or zone with a clear error', async () => {
    await expect(t.db.withScope(Scope.tenant(tenantId), (tx) => tenantSummary(tx, { tenantId, from: TO, to: FROM, timezone: TZ }))).rejects.toThrow(/not after its start/);
    await expect(t.db.withScope(Scope.tenant(tenantId), (tx) => tenantSummary(tx, { tenantId, from: FROM, to: TO, timezone: 'Mars/Olympus' }))).rejects.toBeInstanceOf(ReportingError);
  });

  it('generates a report: RUNNING then READY with three artefacts whose size and sha256 match; a second run changes nothing', async () => {
    const reportId = crypto.randomUUID();
    await t.db.withScope(Scope.tenant(tenantId), (tx) => tx.query(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, $3, $4)`, [tenantId, reportId, FROM, TO]));
    const first = await generateReport(t.db, reportId);
    expect(first).toMatchObject({ status: 'READY', alreadyReady: false, tenantId });
    const stored = await t.owner.query(`SELECT format, content, size_bytes, sha256, created_at FROM report_artifacts WHERE report_id = $1 ORDER BY format`, [reportId]);
    expect(stored.map((a: { format: string }) => a.format)).toEqual(['CSV', 'JSON', 'PDF']);
    for (const a of stored) {
      expect(a.size_bytes).toBe(a.content.length);
      expect(a.sha256).toBe(crypto.createHash('sha256').update(a.content).digest('hex'));
    }
    const csvRows = parseCsv(stored[0].content.toString('utf8'));
    expect(csvRows).toHaveLength(7);
    expect(JSON.parse(stored[1].content.toString('utf8')).timeToResolve.meanSeconds).toBe(3500.25);
    expect(stored[2].content.subarray(0, 5).toString()).toBe('%PDF-');
    const [row] = await t.owner.query(`SELECT status, error, started_at, finished_at, summary FROM reports WHERE id = $1`, [reportId]);
    expect(row).toMatchObject({ status: 'READY', error: null });
    expect(row.summary.sla.compliancePercent).toBe(40);

    const second = await generateReport(t.db, reportId, { tenantId });
    expect(second).toMatchObject({ status: 'READY', alreadyReady: true });
    const again = await t.owner.query(`SELECT format, sha256, created_at FROM report_artifacts WHERE report_id = $1 ORDER BY format`, [reportId]);
    expect(again.map((a: { sha256: string }) => a.sha256)).toEqual(stored.map((a: { sha256: string }) => a.sha256));
    expect(again.map((a: { created_at: Date }) => a.created_at.getTime())).toEqual(stored.map((a: { created_at: Date }) => a.created_at.getTime()));
  });

  it('re-produces a report left RUNNING by a crashed worker with identical artefacts, and two concurrent runs do not collide', async () => {
    const reportId = crypto.randomUUID();
    await t.db.withScope(Scope.tenant(tenantId), (tx) => tx.query(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, $3, $4)`, [tenantId, reportId, FROM, TO]));
    const [a, b] = await Promise.all([generateReport(t.db, reportId, { tenantId }), generateReport(t.db, reportId, { tenantId })]);
    expect([a, b].map((r) => (r.status === 'FAILED' ? r.error : r.status))).toEqual(['READY', 'READY']);
    // The row lock serialises them: one produced the report, the other found it READY.
    expect([a, b].filter((r) => r.status === 'READY' && !r.alreadyReady)).toHaveLength(1);
    const before = await t.owner.query(`SELECT format, sha256 FROM report_artifacts WHERE report_id = $1 ORDER BY format`, [reportId]);
    await t.owner.query(`UPDATE reports SET status = 'RUNNING' WHERE id = $1`, [reportId]);
    const rerun = await generateReport(t.db, reportId, { tenantId });
    expect(rerun).toMatchObject({ status: 'READY', alreadyReady: false });
    const after = await t.owner.query(`SELECT format, sha256 FROM report_artifacts WHERE report_id = $1 ORDER BY format`, [reportId]);
    expect(after).toEqual(before);
  });

  it('marks a report FAILED with the error when its tenant has an unknown time zone', async () => {
    const reportId = crypto.randomUUID();
    await t.owner.query(`UPDATE tenants SET timezone = 'Nowhere/Special' WHERE id = $1`, [otherTenant]);
    await t.db.withScope(Scope.tenant(otherTenant), (tx) => tx.query(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, $3, $4)`, [otherTenant, reportId, FROM, TO]));
    const result = await generateReport(t.db, reportId);
    expect(result).toMatchObject({ status: 'FAILED', tenantId: otherTenant });
    const [row] = await t.owner.query(`SELECT status, error FROM reports WHERE id = $1`, [reportId]);
    expect(row.status).toBe('FAILED');
    expect(row.error).toMatch(/unknown time zone/);
    const artefacts = await t.owner.query(`SELECT 1 FROM report_artifacts WHERE report_id = $1`, [reportId]);
    expect(artefacts).toHaveLength(0);
  });

  it('cannot produce another tenant\'s report from a wrong tenant scope', async () => {
    const reportId = crypto.randomUUID();
    await t.db.withScope(Scope.tenant(tenantId), (tx) => tx.query(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, $3, $4)`, [tenantId, reportId, FROM, TO]));
    await expect(generateReport(t.db, reportId, { tenantId: otherTenant })).rejects.toThrow(/not found/);
    const [row] = await t.owner.query(`SELECT status FROM reports WHERE id = $1`, [reportId]);
    expect(row.status).toBe('QUEUED');
  });
});
