import crypto from 'node:crypto';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../../test/harness';
import { createRuleStore, createRuleVersions, createTenantRuleCache, ensureBuiltinRules, importDetectionRules, importShippedRules, listDetectionRules, setRuleEnabled } from '.';

const ruleYaml = (id: string, title: string, value = 'S0') => `title: ${title}
id: ${id}
author: Test Author
level: high
tags: [attack.t0846, attack.discovery]
logsource: { product: zeek, service: conn }
detection:
  selection:
    conn_state: ${value}
  condition: selection
`;

describe('rule store (Postgres + Redis)', () => {
  let t: TestDatabase;
  let r: TestRedis;
  const tenantA = crypto.randomUUID();
  const tenantB = crypto.randomUUID();

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'A', $3), ($2, 'B', $4)`, [tenantA, tenantB, `a-${tenantA.slice(0, 8)}`, `b-${tenantB.slice(0, 8)}`]);
  });
  afterAll(async () => {
    await r.cleanup();
    await t.drop();
  });

  it('reports imported, refused (with reasons), then unchanged and updated with a version row', async () => {
    const versions = createRuleVersions(r.redis, `${r.prefix}:`);
    const good = crypto.randomUUID();
    const yaml = [
      ruleYaml(good, 'Good rule'),
      `title: Legacy aggregation\nid: ${crypto.randomUUID()}\nlogsource: { product: zeek }\ndetection:\n  sel: { a: b }\n  condition: sel | count() > 5\n`,
      `title: No identity\nlogsource: { product: zeek }\ndetection:\n  sel: { a: b }\n  condition: sel\n`,
      `title: Dangling correlation\nid: ${crypto.randomUUID()}\ncorrelation:\n  type: event_count\n  rules: [does_not_exist]\n  group-by: [src_ip]\n  timespan: 1m\n  condition: { gte: 3 }\n`,
      `title: A filter\nid: ${crypto.randomUUID()}\nlogsource: { product: zeek }\nfilter:\n  rules: [x]\n  sel: { a: b }\n  condition: not sel\n`,
    ].join('---\n');
    const first = await importDetectionRules(t.db, versions, { tenantId: null, yaml, actor: 'tester' });
    expect(first.items.map((i) => i.status)).toEqual(['IMPORTED', 'REFUSED', 'REFUSED', 'REFUSED', 'REFUSED']);
    expect(first.items[1].reason).toMatch(/aggregat|count/i);
    expect(first.items[2].reason).toMatch(/neither id nor name/);
    expect(first.items[3].reason).toMatch(/unknown rule.*does_not_exist/);
    expect(first.items[4].reason).toMatch(/filter/i);
    expect(first).toMatchObject({ imported: 1, refused: 4, actor: 'tester' });
    expect(await r.redis.get(`${r.prefix}:rules:version`)).toBe('1');

    const [stored] = await t.owner.query(`SELECT * FROM detection_rules WHERE sigma_id = $1`, [good]);
    expect(stored).toMatchObject({ owner_tenant_id: null, kind: 'SIGMA', title: 'Good rule', author: 'Test Author', level: 'high', version: 1 });
    expect(stored.tags).toEqual(['attack.t0846', 'attack.discovery']);
    expect(stored.logsource).toEqual({ product: 'zeek', service: 'conn' });

    const again = await importDetectionRules(t.db, versions, { tenantId: null, yaml: ruleYaml(good, 'Good rule') });
    expect(again.items[0]).toMatchObject({ status: 'UNCHANGED', version: 1 });
    expect(await r.redis.get(`${r.prefix}:rules:version`)).toBe('1');

    const edited = await importDetectionRules(t.db, versions, { tenantId: null, yaml: ruleYaml(good, 'Good rule', 'REJ') });
    expect(edited.items[0]).toMatchObject({ status: 'UPDATED', version: 2, ruleId: stored.id });
    const history = await t.owner.query(`SELECT version, source_yaml FROM detection_rule_versions WHERE rule_id = $1 ORDER BY version`, [stored.id]);
    expect(history.map((h: { version: number }) => h.version)).toEqual([1, 2]);
    expect(history[1].source_yaml).toContain('REJ');
    expect(await r.redis.get(`${r.prefix}:rules:version`)).toBe('2');
  });

  it('keeps tenant rules to their tenant and lets a tenant rule shadow nothing of another tenant', async () => {
    const versions = createRuleVersions(r.redis, `${r.prefix}:`);
    const own = crypto.randomUUID();
    const rep = await importDetectionRules(t.db, versions, { tenantId: tenantA, yaml: ruleYaml(own, 'Tenant A rule') });
    expect(rep.items[0].status).toBe('IMPORTED');
    expect(await r.redis.get(`${r.prefix}:rules:version:${tenantA}`)).toBe('1');
    const listA = await listDetectionRules(t.db, { tenantId: tenantA });
    const listB = await listDetectionRules(t.db, { tenantId: tenantB });
    if (!listA.ok || !listB.ok) throw new Error('listing failed');
    expect(listA.rules.some((x) => x.sigmaId === own)).toBe(true);
    expect(listB.rules.some((x) => x.sigmaId === own)).toBe(false);
    // B cannot switch A's rule
    const ruleId = rep.items[0].ruleId as string;
    expect(await setRuleEnabled(t.db, versions, { ruleId, tenantId: tenantB, enabled: false })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await setRuleEnabled(t.db, versions, { ruleId: 'nope', tenantId: tenantB, enabled: false })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    const unknown = crypto.randomUUID();
    expect((await importDetectionRules(t.db, versions, { tenantId: unknown, yaml: ruleYaml(crypto.randomUUID(), 'x') })).items).toEqual([
      { sigmaId: null, title: null, kind: null, status: 'REFUSED', reason: `no tenant ${unknown}`, documentIndex: 0 },
    ]);
    expect((await importDetectionRules(t.db, versions, { tenantId: 'acme', yaml: 'title: x' })).items[0].reason).toBe('tenantId is not a uuid: "acme"');
  });

  it('registers built-in OT detections once and imports the shipped rules idempotently', async () => {
    const versions = createRuleVersions(r.redis, `${r.prefix}:`);
    const first = await importShippedRules(t.db, versions);
    expect(first.builtinsChanged).toBe(5);
    const refused = first.files.flatMap((f) => f.report.items.filter((i) => i.status === 'REFUSED'));
    expect(refused).toEqual([]);
    const imported = first.files.reduce((n, f) => n + f.report.imported, 0);
    expect(imported).toBeGreaterThanOrEqual(27); // 25 OT rules + the scan base rule and correlation
    const second = await importShippedRules(t.db, versions);
    expect(second.builtinsChanged).toBe(0);
    expect(second.files.every((f) => f.report.items.every((i) => i.status === 'UNCHANGED'))).toBe(true);
    expect(await ensureBuiltinRules(t.db)).toBe(0);
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM detection_rules WHERE kind = 'BUILTIN'`);
    expect(n).toBe(5);
    const [corr] = await t.owner.query(`SELECT kind, level FROM detection_rules WHERE name = 'watchfloor_ot_zone_port_scan'`);
    expect(corr).toEqual({ kind: 'CORRELATION', level: 'high' });
  });

  it('lets a tenant copy of a global rule shadow it for that tenant only; built-ins cannot be replaced', async () => {
    const versions = createRuleVersions(r.redis, `${r.prefix}:`);
    const id = crypto.randomUUID();
    await importDetectionRules(t.db, versions, { tenantId: null, yaml: ruleYaml(id, 'Global original', 'S0') });
    const copy = await importDetectionRules(t.db, versions, { tenantId: tenantA, yaml: ruleYaml(id, 'Tenant A tuned copy', 'REJ') });
    expect(copy.items[0]).toMatchObject({ status: 'IMPORTED', version: 1 });
    const rows = await t.owner.query(`SELECT owner_tenant_id, title FROM detection_rules WHERE sigma_id = $1 ORDER BY owner_tenant_id NULLS FIRST`, [id]);
    expect(rows).toEqual([{ owner_tenant_id: null, title: 'Global original' }, { owner_tenant_id: tenantA, title: 'Tenant A tuned copy' }]);
    const cache = createTenantRuleCache(t.db, versions);
    const titleFor = async (tenant: string) => [...(await cache.get(tenant, {})).ruleMeta.values()].filter((m) => m.ruleRef === id).map((m) => m.title);
    expect(await titleFor(tenantA)).toEqual(['Tenant A tuned copy']);
    expect(await titleFor(tenantB)).toEqual(['Global original']);

    const builtin = `title: Fake\nid: watchfloor.ot.control_write\nlogsource: { product: zeek }\ndetection:\n  sel: { a: b }\n  condition: sel\n`;
    const refused = await importDetectionRules(t.db, versions, { tenantId: null, yaml: builtin });
    expect(refused.items[0]).toMatchObject({ status: 'REFUSED', reason: expect.stringMatching(/built-in/) });
  });

  it('enables and disables per tenant and invalidates the compiled rule sets of every worker', async () => {
    const versions = createRuleVersions(r.redis, `${r.prefix}:`);
    const id = crypto.randomUUID();
    const rep = await importDetectionRules(t.db, versions, { tenantId: null, yaml: ruleYaml(id, 'Switchable rule') });
    const ruleId = rep.items[0].ruleId as string;
    const workerOne = createTenantRuleCache(t.db, versions);
    const workerTwo = createTenantRuleCache(t.db, versions);
    const has = (rules: Awaited<ReturnType<typeof workerOne.get>>) => [...rules.ruleMeta.values()].some((m) => m.ruleId === ruleId && m.alerting);

    expect(has(await workerOne.get(tenantA, {}))).toBe(true);
    expect(has(await workerTwo.get(tenantA, {}))).toBe(true);
    await workerOne.get(tenantA, {});
    expect(workerOne.compilations).toBe(1); // cached while nothing changed

    const off = await setRuleEnabled(t.db, versions, { ruleId, tenantId: tenantA, enabled: false });
    expect(off).toMatchObject({ ok: true, rule: { enabled: false, id: ruleId } });
    expect(has(await workerOne.get(tenantA, {}))).toBe(false);
    expect(has(await workerTwo.get(tenantA, {}))).toBe(false);
    expect(has(await workerTwo.get(tenantB, {}))).toBe(true); // other tenants unaffected
    expect(workerOne.compilations).toBe(2);

    const listA = await listDetectionRules(t.db, { tenantId: tenantA });
    if (!listA.ok) throw new Error('listing failed');
    expect(listA.rules.find((x) => x.id === ruleId)?.enabled).toBe(false);
    // pages of 2 walk the same listing
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await listDetectionRules(t.db, { tenantId: tenantA, first: 2, after });
      if (!page.ok) throw new Error(page.message);
      seen.push(...page.rules.map((x) => x.id));
      if (!page.hasNextPage) break;
      after = page.rules[page.rules.length - 1].id;
    }
    expect(seen).toEqual(listA.rules.map((x) => x.id));
    expect(await listDetectionRules(t.db, { tenantId: tenantA, after: crypto.randomUUID() })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await listDetectionRules(t.db, { tenantId: tenantA, first: 0 })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });

    await setRuleEnabled(t.db, versions, { ruleId, tenantId: tenantA, enabled: true });
    expect(has(await workerTwo.get(tenantA, {}))).toBe(true);
  });

  it('binds the service functions to the worker-visible counters through createRuleStore', async () => {
    const store = createRuleStore(t.db, r.redis, r.queuePrefix);
    const rep = await store.importDetectionRules({ tenantId: tenantB, yaml: ruleYaml(crypto.randomUUID(), 'Via the store'), actor: 'api' });
    expect(rep.items[0].status).toBe('IMPORTED');
    expect(await r.redis.get(`${r.prefix}:rules:version:${tenantB}`)).toBe('1'); // what a worker with QUEUE_PREFIX {prefix} reads
    const off = await store.setRuleEnabled({ ruleId: rep.items[0].ruleId as string, tenantId: tenantB, enabled: false });
    expect(off.ok).toBe(true);
    expect(await r.redis.get(`${r.prefix}:rules:version:${tenantB}`)).toBe('2');
    const list = await store.listDetectionRules({ tenantId: tenantB });
    expect(list.ok && list.rules.find((x) => x.title === 'Via the store')?.enabled).toBe(false);
  });

  it('compiles placeholders per tenant from the given values and skips a rule a tenant has no values for', async () => {
    const versions = createRuleVersions(r.redis, `${r.prefix}:`);
    const id = crypto.randomUUID();
    const yaml = `title: Placeholder rule\nid: ${id}\nlogsource: { product: zeek, service: conn }\ndetection:\n  sel:\n    id.orig_h|expand: '%jump_hosts%'\n  condition: sel\n`;
    expect((await importDetectionRules(t.db, versions, { tenantId: null, yaml })).items[0].status).toBe('IMPORTED');
    const cache = createTenantRuleCache(t.db, versions);
    const without = await cache.get(tenantA, {});
    expect(without.skipped.find((s) => s.sigmaId === id)?.reason).toMatch(/jump_hosts/);
    const withValues = await cache.get(tenantA, { jump_hosts: ['10.20.0.9'] });
    const rule = [...withValues.ruleMeta.entries()].find(([, m]) => m.ruleRef === id)?.[0];
    expect(rule?.match({ raw: { 'id.orig_h': '10.20.0.9' }, normalized: { source_product: 'zeek', source_log: 'conn' } })).toBe(true);
    expect(rule?.match({ raw: { 'id.orig_h': '10.20.0.8' }, normalized: { source_product: 'zeek', source_log: 'conn' } })).toBe(false);
  });
});
