import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretBox } from '@watchfloor/secrets';
import { reconcileIncident } from '@watchfloor/sla';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import {
  attemptDelivery,
  createWebhookEndpoint,
  listDeliveries,
  listWebhookEndpoints,
  PagingError,
  redeliver,
  rotateWebhookSecret,
  upsertEscalationPolicy,
  validatePagerDutyEvent,
  type DeliveryOptions,
  type WebhookKind,
} from '.';

/** Standard Webhooks verification written from the spec, independent of libs/paging. */
function independentlyVerified(headers: http.IncomingHttpHeaders, body: string, secret: string): boolean {
  const id = headers['webhook-id'] as string;
  const ts = headers['webhook-timestamp'] as string;
  const sig = headers['webhook-signature'] as string;
  if (!id || !/^\d+$/.test(ts ?? '') || !sig) return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return sig.split(' ').some((s) => s === `v1,${expected}`);
}

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1: each path answers from its own script of statuses (last one repeats). */
async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Array<{ status: number; headers?: Record<string, string>; body?: string }>>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const script = scripts.get(req.url ?? '') ?? [];
      const answer = script.length > 1 ? script.shift()! : (script[0] ?? { status: 200 });
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { received, scripts, url: (path: string) => `http://127.0.0.1:${port}${path}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ROUTING_KEY = 'R0UT1NGKEY0123456789ABCDEFGHIJKL';

describe('paging services (integration, real HTTP receiver on 127.0.0.1)', () => {
  let t: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tenantId: string;
  const secretBox = new SecretBox('paging-integration-test-secret-key-0123456789');
  const delivery = (over: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
    secretBox,
    allowPrivate: true,
    timeoutMs: 2000,
    maxAttempts: 3,
    retryBaseMs: 10,
    retryMaxMs: 5000,
    random: () => 0.5,
    ...over,
  });
  const scoped = <T>(work: (tx: Parameters<Parameters<TestDatabase['db']['withScope']>[1]>[0]) => Promise<T>) => t.db.withScope(Scope.tenant(tenantId), work);

  beforeAll(async () => {
    t = await createTestDatabase();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.drop();
  });
  beforeEach(async () => {
    tenantId = crypto.randomUUID();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Stadtwerke Nord', $2)`, [tenantId, `sw-${tenantId.slice(0, 8)}`]);
  });

  const endpoint = (name: string, path: string, kind: WebhookKind = 'STANDARD') =>
    scoped((tx) => createWebhookEndpoint(tx, { tenantId, name, kind, url: receiver.url(path), routingKey: kind === 'PAGERDUTY' ? ROUTING_KEY : undefined }, { allowPrivate: true, secretBox }));

  async function incident(createdAt: Date, severity = 'HIGH'): Promise<string> {
    const id = crypto.randomUUID();
    await t.owner.query(
      `INSERT INTO incidents (tenant_id, id, title, severity, grouping_key, window_started_at, last_alert_at, created_at, updated_at, techniques)
       VALUES ($1, $2, 'Unexpected Modbus write to PLC-7', $3, $4, $5, $5, $5, $5, '{T0855}')`,
      [tenantId, id, severity, `k-${id}`, createdAt],
    );
    return id;
  }
  /** A delivery row to one endpoint, made the way the product makes them (an escalation page). */
  async function pageTo(path: string, kind: WebhookKind = 'STANDARD') {
    const ep = await endpoint(`ep ${path}`, path, kind);
    await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: `p ${path}`, levels: [{ delaySeconds: 0, webhookEndpointIds: [ep.endpoint.id] }] }));
    const incidentId = await incident(new Date());
    const outcome = await reconcileIncident(t.db, tenantId, incidentId, { now: new Date() });
    expect(outcome.deliveryIds).toHaveLength(1);
    return { ep, incidentId, deliveryId: outcome.deliveryIds[0] };
  }
  const fromPath = (path: string) => receiver.received.filter((r) => r.path === path);

  describe('endpoints', () => {
    it('generates a STANDARD secret, shows it once, stores it sealed', async () => {
      const created = await endpoint('on-call', '/created');
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const [stored] = await t.owner.query(`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [created.endpoint.id]);
      expect(stored.secret_ciphertext).not.toContain(created.secret!.slice(6));
      expect(secretBox.open(stored.secret_ciphertext)).toBe(created.secret);
      const listed = await scoped((tx) => listWebhookEndpoints(tx, tenantId));
      expect(listed).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain(created.secret!.slice(6));
      expect(Object.keys(listed[0]).sort()).toEqual(['circuit', 'createdAt', 'disabledReason', 'enabled', 'id', 'kind', 'name', 'previousSecretExpiresAt', 'tenantId', 'updatedAt', 'url']);
    });

    it('rotates a STANDARD secret: old and new both sign during the overlap, the new one alone after it', async () => {
      const { ep, deliveryId } = await pageTo('/rotate');
      const old = ep.secret!;
      const rotated = await scoped((tx) => rotateWebhookSecret(tx, { endpointId: ep.endpoint.id, overlapSeconds: 3600 }, { secretBox }));
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(old);
      expect(Math.abs(rotated.endpoint.previousSecretExpiresAt!.getTime() - (Date.now() + 3600_000))).toBeLessThan(60_000);
      const [stored] = await t.owner.query(`SELECT secret_ciphertext, previous_secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [ep.endpoint.id]);
      expect([secretBox.open(stored.secret_ciphertext), secretBox.open(stored.previous_secret_ciphertext)]).toEqual([rotated.secret, old]);

      expect((await attemptDelivery(t.db, tenantId, deliveryId, delivery())).result).toBe('delivered');
      const during = fromPath('/rotate').at(-1)!;
      expect((during.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
      expect(independentlyVerified(during.headers, during.body, rotated.secret!)).toBe(true);
      expect(independentlyVerified(during.headers, during.body, old)).toBe(true);

      // The overlap ends: the next page carries the new signature only.
      await t.owner.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [ep.endpoint.id]);
      const next = await reconcileIncident(t.db, tenantId, await incident(new Date()), { now: new Date() });
      expect((await attemptDelivery(t.db, tenantId, next.deliveryIds[0], delivery())).result).toBe('delivered');
      const after = fromPath('/rotate').at(-1)!;
      expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
      expect(independentlyVerified(after.headers, after.body, rotated.secret!)).toBe(true);
      expect(independentlyVerified(after.headers, after.body, old)).toBe(false);
      expect((await scoped((tx) => listWebhookEndpoints(tx, tenantId)))[0].previousSecretExpiresAt).toBeNull();

      // overlapSeconds 0 replaces at once; a chosen secret is kept as given.
      const chosen = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
      const immediate = await scoped((tx) => rotateWebhookSecret(tx, { endpointId: ep.endpoint.id, secret: chosen, overlapSeconds: 0 }, { secretBox }));
      expect(immediate.secret).toBe(chosen);
      expect(immediate.endpoint.previousSecretExpiresAt).toBeNull();
      const [again] = await t.owner.query(`SELECT previous_secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [ep.endpoint.id]);
      expect(again.previous_secret_ciphertext).toBeNull();
    });

    it('refuses to rotate a PAGERDUTY endpoint, the current secret, a malformed secret, an overlap beyond 7 days, and another tenant\'s endpoint', async () => {
      const std = await endpoint('std', '/rot-refused');
      const pd = await endpoint('pd', '/rot-pd', 'PAGERDUTY');
      const attempt = (input: Parameters<typeof rotateWebhookSecret>[1], scope = tenantId) =>
        t.db.withScope(Scope.tenant(scope), (tx) => rotateWebhookSecret(tx, input, { secretBox })).catch((e) => e);
      expect(await attempt({ endpointId: pd.endpoint.id })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('only STANDARD') });
      expect(await attempt({ endpointId: std.endpoint.id, secret: std.secret })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('current secret') });
      expect(await attempt({ endpointId: std.endpoint.id, secret: 'not-a-secret' })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^secret: /) });
      expect(await attempt({ endpointId: std.endpoint.id, overlapSeconds: 8 * 86400 })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('overlapSeconds') });
      const other = crypto.randomUUID();
      await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Other', $2)`, [other, `o-${other.slice(0, 8)}`]);
      expect(await attempt({ endpointId: std.endpoint.id }, other)).toMatchObject({ code: 'NOT_FOUND' });
      const [unchanged] = await t.owner.query(`SELECT secret_ciphertext, previous_secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [std.endpoint.id]);
      expect([secretBox.open(unchanged.secret_ciphertext), unchanged.previous_secret_ciphertext]).toEqual([std.secret, null]);
    });

    it('refuses loopback and 10/8 URLs without allowPrivate, and PAGERDUTY without a routing key', async () => {
      for (const url of ['http://127.0.0.1:8080/hook', 'https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://0x7f.1/hook']) {
        const err = await scoped((tx) => createWebhookEndpoint(tx, { tenantId, name: 'x', kind: 'STANDARD', url }, { allowPrivate: false, secretBox })).catch((e) => e);
        expect(err).toBeInstanceOf(PagingError);
        expect([err.code, url]).toEqual(['BAD_USER_INPUT', url]);
        expect(err.message).toMatch(/url refused/);
      }
      const pd = await scoped((tx) => createWebhookEndpoint(tx, { tenantId, name: 'pd', kind: 'PAGERDUTY', url: 'https://events.pagerduty.com/v2/enqueue' }, { allowPrivate: false, secretBox, resolve: async () => ['3.3.3.3'] })).catch((e) => e);
      expect(pd.code).toBe('BAD_USER_INPUT');
      expect(pd.message).toMatch(/routingKey/);
      expect(await t.owner.query(`SELECT 1 FROM webhook_endpoints WHERE tenant_id = $1`, [tenantId])).toHaveLength(0);
    });

    it('escalation policies only take the tenant’s own endpoints', async () => {
      const other = crypto.randomUUID();
      await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Other', $2)`, [other, `o-${other.slice(0, 8)}`]);
      const foreign = await t.db.withScope(Scope.tenant(other), (tx) =>
        createWebhookEndpoint(tx, { tenantId: other, name: 'theirs', kind: 'STANDARD', url: receiver.url('/theirs') }, { allowPrivate: true, secretBox }),
      );
      const err = await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'steal', levels: [{ delaySeconds: 0, webhookEndpointIds: [foreign.endpoint.id] }] })).catch((e) => e);
      expect([err.code, err.message]).toEqual(['NOT_FOUND', `webhook endpoint(s) not found: ${foreign.endpoint.id}`]);
      const bad = await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'bad', levels: [{ delaySeconds: 60, webhookEndpointIds: [] }, { delaySeconds: 0, webhookEndpointIds: [] }] })).catch((e) => e);
      expect(bad.code).toBe('BAD_USER_INPUT');
      expect(bad.message).toMatch(/levels\[1\]\.delaySeconds 0 is before/);
    });
  });

  describe('tenant walls', () => {
    it('another tenant sees none of the deliveries and cannot redeliver them', async () => {
      const { deliveryId } = await pageTo('/wall');
      const other = crypto.randomUUID();
      await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Northgate', $2)`, [other, `n-${other.slice(0, 8)}`]);
      const theirs = await t.db.withScope(Scope.tenant(other), (tx) => listDeliveries(tx, {}));
      expect([theirs.totalCount, theirs.edges]).toEqual([0, []]);
      const err = await t.db.withScope(Scope.tenant(other), (tx) => redeliver(tx, deliveryId)).catch((e) => e);
      expect([err.code, err.message]).toEqual(['NOT_FOUND', `delivery ${deliveryId} not found`]);
      expect(await t.db.withScope(Scope.tenant(other), (tx) => listWebhookEndpoints(tx, tenantId))).toEqual([]);
      expect((await scoped((tx) => listDeliveries(tx, {}))).totalCount).toBe(1);
    });

    it('an endpoint limited to some event types gets only those', async () => {
      const only = await endpoint('resolutions only', '/only-resolved');
      await t.owner.query(`UPDATE webhook_endpoints SET event_types = '{incident.resolved}' WHERE id = $1`, [only.endpoint.id]);
      await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'filtered', levels: [{ delaySeconds: 0, webhookEndpointIds: [only.endpoint.id] }] }));
      const id = await incident(new Date());
      expect((await reconcileIncident(t.db, tenantId, id, { now: new Date() })).deliveryIds).toEqual([]);
    });
  });

  describe('escalation to delivery', () => {
    it('level 1 at once, level 2 after its delay, ack stops level 3, resolve reaches both', async () => {
      const a = await endpoint('analyst', '/esc/a');
      const pd = await endpoint('pagerduty', '/esc/pd', 'PAGERDUTY');
      const b = await endpoint('lead', '/esc/b');
      const c = await endpoint('manager', '/esc/c');
      await scoped((tx) =>
        upsertEscalationPolicy(tx, {
          tenantId,
          name: 'OT on-call',
          minSeverity: 'MEDIUM',
          levels: [
            { delaySeconds: 0, webhookEndpointIds: [a.endpoint.id, pd.endpoint.id] },
            { delaySeconds: 60, webhookEndpointIds: [b.endpoint.id] },
            { delaySeconds: 300, webhookEndpointIds: [c.endpoint.id] },
          ],
        }),
      );
      const t0 = new Date(Date.now() - 1000);
      const id = await incident(t0);
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      const run = async (now: Date) => {
        const o = await reconcileIncident(t.db, tenantId, id, { now });
        for (const d of o.deliveryIds) expect((await attemptDelivery(t.db, tenantId, d, delivery())).result).toBe('delivered');
        return o;
      };

      const opened = await run(at(0));
      expect(opened.deliveryIds).toHaveLength(2);
      expect(opened.nextCheckAt).toEqual(at(60));
      expect((await run(at(30))).deliveryIds).toHaveLength(0);
      expect((await run(at(61))).deliveryIds).toHaveLength(1); // level 2: b
      await t.owner.query(`UPDATE incidents SET status = 'ACKNOWLEDGED', acknowledged_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, at(90)]);
      expect((await run(at(91))).deliveryIds).toHaveLength(3); // acknowledge to a, pd, b
      expect((await run(at(400))).deliveryIds).toHaveLength(0); // level 3 never comes
      await t.owner.query(`UPDATE incidents SET status = 'RESOLVED', resolved_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, at(500)]);
      expect((await run(at(501))).deliveryIds).toHaveLength(3);
      expect((await run(at(502))).deliveryIds).toHaveLength(0);

      const types = (path: string) => fromPath(path).map((r) => JSON.parse(r.body).type ?? JSON.parse(r.body).event_action);
      expect(types('/esc/a')).toEqual(['incident.triggered', 'incident.acknowledged', 'incident.resolved']);
      expect(types('/esc/b')).toEqual(['incident.escalated', 'incident.acknowledged', 'incident.resolved']);
      expect(types('/esc/pd')).toEqual(['trigger', 'acknowledge', 'resolve']);
      expect(fromPath('/esc/c')).toEqual([]);

      for (const r of [...fromPath('/esc/a'), ...fromPath('/esc/b')]) {
        const secret = r.path === '/esc/a' ? a.secret! : b.secret!;
        expect(independentlyVerified(r.headers, r.body, secret)).toBe(true);
        expect(independentlyVerified(r.headers, r.body, c.secret!)).toBe(false);
      }
      const body = JSON.parse(fromPath('/esc/a')[0].body);
      expect(body.data.incident).toMatchObject({ id, title: 'Unexpected Modbus write to PLC-7', severity: 'HIGH', tenantName: 'Stadtwerke Nord' });

      for (const r of fromPath('/esc/pd')) {
        const event = JSON.parse(r.body);
        expect(validatePagerDutyEvent(event)).toEqual([]);
        // PagerDuty's own field rules, checked by hand.
        expect(event.routing_key).toHaveLength(32);
        expect(event.dedup_key).toBe(id);
        expect(r.headers['webhook-signature']).toBeUndefined();
      }
      const trigger = JSON.parse(fromPath('/esc/pd')[0].body);
      expect(trigger.payload).toMatchObject({ severity: 'error', source: 'watchfloor', class: 'T0855' });
      expect(trigger.payload.summary).toBe('[HIGH] Stadtwerke Nord: Unexpected Modbus write to PLC-7');
    });

    it('an acknowledgement that times out restarts escalation from level 1', async () => {
      const a = await endpoint('analyst', '/ackto/a');
      await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'ack timeout', ackTimeoutSeconds: 600, levels: [{ delaySeconds: 0, webhookEndpointIds: [a.endpoint.id] }] }));
      const t0 = new Date(Date.now() - 3600_000);
      const id = await incident(t0);
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      const kinds = async (now: Date) => {
        const o = await reconcileIncident(t.db, tenantId, id, { now });
        const rows = await t.owner.query(`SELECT event_type FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY created_at`, [o.deliveryIds]);
        return { types: rows.map((r: { event_type: string }) => r.event_type), next: o.nextCheckAt };
      };
      expect((await kinds(at(0))).types).toEqual(['incident.triggered']);
      await t.owner.query(`UPDATE incidents SET status = 'ACKNOWLEDGED', acknowledged_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, at(60)]);
      expect(await kinds(at(61))).toEqual({ types: ['incident.acknowledged'], next: at(660) });
      expect((await kinds(at(659))).types).toEqual([]);
      expect((await kinds(at(661))).types).toEqual(['incident.escalated']);
      expect((await kinds(at(662))).types).toEqual([]);
    });

    it('a reopened incident pages afresh and its resolved spell does not count against the resolve clock', async () => {
      await t.db.withScope(Scope.tenant(tenantId), (tx) =>
        tx.query(`INSERT INTO sla_policies (tenant_id, severity, acknowledge_minutes, resolve_minutes) VALUES ($1, 'HIGH', 10, 60)`, [tenantId]),
      );
      const a = await endpoint('analyst', '/reopen/a');
      await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'reopen', levels: [{ delaySeconds: 0, webhookEndpointIds: [a.endpoint.id] }] }));
      const t0 = new Date(Date.now() - 3 * 3600_000);
      const id = await incident(t0);
      const at = (m: number) => new Date(t0.getTime() + m * 60_000);
      const types = async (now: Date, event?: { type: string; at: Date }) => {
        const o = await reconcileIncident(t.db, tenantId, id, { now, event });
        const rows = await t.owner.query(`SELECT event_type FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY created_at`, [o.deliveryIds]);
        return { types: rows.map((r: { event_type: string }) => r.event_type), sla: o.sla };
      };
      expect((await types(at(0))).types).toEqual(['incident.triggered']);
      await t.owner.query(`UPDATE incidents SET status = 'RESOLVED', acknowledged_at = $3, resolved_at = $4 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, at(5), at(20)]);
      expect((await types(at(21))).types).toEqual(['incident.resolved']);
      const resolved = (await t.owner.query(`SELECT time_to_resolve_seconds FROM incidents WHERE id = $1`, [id]))[0];
      expect(resolved.time_to_resolve_seconds).toBe(20 * 60);

      await t.owner.query(`UPDATE incidents SET status = 'INVESTIGATING', resolved_at = NULL, updated_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, at(50)]);
      const reopened = await types(at(51), { type: 'incident.reopened', at: at(50) });
      expect(reopened.types).toEqual(['incident.triggered']); // a new spell, a new page
      // 60 minutes of target, 30 of them spent resolved: due at creation + 90 minutes.
      expect(reopened.sla!.resolveDueAt).toEqual(at(90));
      const row = (await t.owner.query(`SELECT time_to_resolve_seconds, paused_seconds FROM incidents WHERE id = $1`, [id]))[0];
      expect(row).toEqual({ time_to_resolve_seconds: null, paused_seconds: 30 * 60 });
    });

    it('an SLA breach goes to the paged endpoints: sla.breached for STANDARD, a trigger with custom_details.sla for PagerDuty', async () => {
      await t.db.withScope(Scope.tenant(tenantId), (tx) =>
        tx.query(`INSERT INTO sla_policies (tenant_id, severity, acknowledge_minutes, resolve_minutes) VALUES ($1, 'HIGH', 1, 60)`, [tenantId]),
      );
      const s = await endpoint('analyst', '/sla/s');
      const pd = await endpoint('pagerduty', '/sla/pd', 'PAGERDUTY');
      await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'sla', levels: [{ delaySeconds: 0, webhookEndpointIds: [s.endpoint.id, pd.endpoint.id] }] }));
      const t0 = new Date(Date.now() - 120_000);
      const id = await incident(t0);
      await reconcileIncident(t.db, tenantId, id, { now: t0 });
      const o = await reconcileIncident(t.db, tenantId, id, { now: new Date(t0.getTime() + 61_000) });
      expect(o.notifications.map((n) => n.type)).toEqual(['sla.breached']);
      expect(o.deliveryIds).toHaveLength(2);
      for (const d of o.deliveryIds) expect((await attemptDelivery(t.db, tenantId, d, delivery())).result).toBe('delivered');
      const std = fromPath('/sla/s').map((r) => ({ ...r, json: JSON.parse(r.body) })).find((r) => r.json.type === 'sla.breached')!;
      expect(std.json.data.sla).toEqual({ clock: 'acknowledge', dueAt: new Date(t0.getTime() + 60_000).toISOString(), at: new Date(t0.getTime() + 60_000).toISOString() });
      expect(independentlyVerified(std.headers, std.body, s.secret!)).toBe(true);
      const pdBreach = fromPath('/sla/pd').map((r) => JSON.parse(r.body)).find((e) => e.payload?.custom_details?.sla);
      expect(validatePagerDutyEvent(pdBreach)).toEqual([]);
      expect(pdBreach).toMatchObject({ event_action: 'trigger', dedup_key: id, payload: { custom_details: { sla: { event: 'sla.breached', clock: 'acknowledge' } } } });
    });
  });

  describe('delivery outcomes', () => {
    it('503 then 200: retried with backoff honouring Retry-After, one logical delivery, same webhook-id', async () => {
      receiver.scripts.set('/retry', [{ status: 503, headers: { 'retry-after': '2' } }, { status: 200 }]);
      const { deliveryId } = await pageTo('/retry');
      const before = Date.now();
      const first = await attemptDelivery(t.db, tenantId, deliveryId, delivery());
      expect(first.result).toBe('retry');
      if (first.result !== 'retry') return;
      expect(first.retryAt.getTime()).toBeGreaterThanOrEqual(before + 2000); // Retry-After is a floor
      expect((await attemptDelivery(t.db, tenantId, deliveryId, delivery())).result).toBe('delivered');
      const hits = fromPath('/retry');
      expect(hits).toHaveLength(2);
      expect(hits[0].headers['webhook-id']).toBe(hits[1].headers['webhook-id']);
      expect(hits[0].body).toBe(hits[1].body);
      const conn = await scoped((tx) => listDeliveries(tx, { first: 10 }));
      expect(conn.totalCount).toBe(1);
      const [view] = conn.edges.map((e) => e.node);
      expect([view.status, view.attemptCount, view.attempts.map((a) => a.statusCode)]).toEqual(['DELIVERED', 2, [503, 200]]);
      expect(view.messageId).toBe(hits[0].headers['webhook-id']);
    });

    it('400 is not retried', async () => {
      receiver.scripts.set('/bad', [{ status: 400, body: 'x'.repeat(2000) }]);
      const { deliveryId } = await pageTo('/bad');
      expect(await attemptDelivery(t.db, tenantId, deliveryId, delivery())).toMatchObject({ result: 'failed', attempt: 1 });
      expect((await attemptDelivery(t.db, tenantId, deliveryId, delivery())).result).toBe('skipped');
      const [view] = (await scoped((tx) => listDeliveries(tx, {}))).edges.map((e) => e.node);
      expect([view.status, view.lastStatusCode, view.attempts.length]).toEqual(['FAILED', 400, 1]);
      expect(Buffer.byteLength(view.attempts[0].responseExcerpt!)).toBe(512);
    });

    it('receiver down: DEAD after the configured attempts, visible through listDeliveries', async () => {
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const ep = await scoped((tx) => createWebhookEndpoint(tx, { tenantId, name: 'down', kind: 'STANDARD', url: `http://127.0.0.1:${port}/down` }, { allowPrivate: true, secretBox }));
      await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'down', levels: [{ delaySeconds: 0, webhookEndpointIds: [ep.endpoint.id] }] }));
      const id = await incident(new Date());
      const [deliveryId] = (await reconcileIncident(t.db, tenantId, id, { now: new Date() })).deliveryIds;
      const results = [];
      for (let i = 0; i < 3; i++) results.push((await attemptDelivery(t.db, tenantId, deliveryId, delivery({ maxAttempts: 3 }))).result);
      expect(results).toEqual(['retry', 'retry', 'dead']);
      const conn = await scoped((tx) => listDeliveries(tx, { incidentId: id }));
      expect(conn.edges[0].node).toMatchObject({ status: 'DEAD', attemptCount: 3 });
      expect(conn.edges[0].node.attempts.every((a) => a.statusCode === null && /ECONNREFUSED/.test(a.error ?? ''))).toBe(true);

      // redeliver: a new cycle, attempts numbered on, same message id.
      const again = await scoped((tx) => redeliver(tx, deliveryId));
      expect([again.status, again.attemptCount]).toEqual(['PENDING', 0]);
      expect((await attemptDelivery(t.db, tenantId, deliveryId, delivery())).result).toBe('retry');
      const view = (await scoped((tx) => listDeliveries(tx, { incidentId: id }))).edges[0].node;
      expect(view.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      expect(view.messageId).toBe(conn.edges[0].node.messageId);
      expect((await scoped((tx) => redeliver(tx, deliveryId)).catch((e) => e)).code).toBe('CONFLICT');
    });

    it('410 disables the endpoint with the reason; later deliveries to it fail without a request', async () => {
      receiver.scripts.set('/gone', [{ status: 410 }]);
      const { deliveryId, ep } = await pageTo('/gone');
      expect((await attemptDelivery(t.db, tenantId, deliveryId, delivery())).result).toBe('gone');
      const [listed] = await scoped((tx) => listWebhookEndpoints(tx, tenantId));
      expect(listed.enabled).toBe(false);
      expect(listed.disabledReason).toMatch(/410 Gone/);
      await scoped((tx) => redeliver(tx, deliveryId));
      expect(await attemptDelivery(t.db, tenantId, deliveryId, delivery())).toMatchObject({ result: 'failed', attempt: null });
      expect(fromPath('/gone')).toHaveLength(1);
      expect(ep.endpoint.id).toBe(listed.id);
    });

    it('checks the URL again at delivery: a loopback receiver is refused without allowPrivate', async () => {
      const { deliveryId } = await pageTo('/ssrf');
      const run = await attemptDelivery(t.db, tenantId, deliveryId, delivery({ allowPrivate: false }));
      expect(run.result).toBe('failed');
      expect(fromPath('/ssrf')).toHaveLength(0);
      const view = (await scoped((tx) => listDeliveries(tx, {}))).edges[0].node;
      expect(view.attempts[0].error).toMatch(/url refused: webhook URLs must use https/);
    });

    it('connects to the vetted address, not to a fresh DNS answer (rebinding)', async () => {
      const ep = await scoped((tx) =>
        createWebhookEndpoint(tx, { tenantId, name: 'named', kind: 'STANDARD', url: receiver.url('/named').replace('127.0.0.1', 'hooks.example.test') }, {
          allowPrivate: true,
          secretBox,
          resolve: async () => ['127.0.0.1'],
        }),
      );
      await scoped((tx) => upsertEscalationPolicy(tx, { tenantId, name: 'named', levels: [{ delaySeconds: 0, webhookEndpointIds: [ep.endpoint.id] }] }));
      const id = await incident(new Date());
      const [deliveryId] = (await reconcileIncident(t.db, tenantId, id, { now: new Date() })).deliveryIds;
      expect((await attemptDelivery(t.db, tenantId, deliveryId, delivery({ resolve: async () => ['127.0.0.1'] }))).result).toBe('delivered');
      const hit = fromPath('/named')[0];
      expect(hit.headers.host).toMatch(/^hooks\.example\.test:\d+$/);
    });

    it('an open circuit postpones deliveries without spending attempts', async () => {
      receiver.scripts.set('/flaky', [{ status: 500 }]);
      const { deliveryId, ep } = await pageTo('/flaky');
      const opts = delivery({ maxAttempts: 8, circuit: { failureThreshold: 2, cooldownMs: 60_000 } });
      expect((await attemptDelivery(t.db, tenantId, deliveryId, opts)).result).toBe('retry');
      expect((await attemptDelivery(t.db, tenantId, deliveryId, opts)).result).toBe('retry');
      const third = await attemptDelivery(t.db, tenantId, deliveryId, opts);
      expect(third.result).toBe('postponed');
      expect(fromPath('/flaky')).toHaveLength(2);
      const [listed] = await scoped((tx) => listWebhookEndpoints(tx, tenantId));
      expect([listed.id, listed.circuit]).toEqual([ep.endpoint.id, 'open']);
    });
  });
});
