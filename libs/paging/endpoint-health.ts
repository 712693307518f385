// Whether paging can reach anyone, for /metrics: webhook endpoints by state. An endpoint that the
// circuit breaker holds open, or that was disabled (by an admin, or after 410 Gone), silently stops
// pages for its tenant; this is what an alert on paging health watches.
import { gauge } from '@watchfloor/telemetry';
import { Scope, type TenantDb } from '@watchfloor/tenancy';

export type EndpointState = 'ok' | 'circuit_open' | 'half_open' | 'disabled';
export const ENDPOINT_STATES: readonly EndpointState[] = ['ok', 'circuit_open', 'half_open', 'disabled'];

/** Endpoints of every tenant by state (the circuit's openUntil is compared with now). */
export async function countWebhookEndpointsByState(db: TenantDb): Promise<Record<EndpointState, number>> {
  const rows = await db.withScope(Scope.all('metrics: paging health'), (tx) =>
    tx.query<{ state: EndpointState; n: number }>(
      `SELECT CASE
                WHEN NOT enabled THEN 'disabled'
                WHEN (circuit->>'openUntil') IS NULL THEN 'ok'
                WHEN (circuit->>'openUntil')::float8 > extract(epoch FROM now()) * 1000 THEN 'circuit_open'
                ELSE 'half_open'
              END AS state, count(*)::int AS n
         FROM webhook_endpoints GROUP BY 1`,
    ),
  );
  const counts: Record<EndpointState, number> = { ok: 0, circuit_open: 0, half_open: 0, disabled: 0 };
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

const endpoints = gauge('watchfloor_webhook_endpoints', 'Webhook endpoints by state: ok, circuit_open, half_open (next delivery is a trial), disabled', ['state']);

/** Counts endpoints when Prometheus scrapes; a failed read leaves the gauge as it was. */
export function registerWebhookEndpointMetrics(db: TenantDb, onError: (err: unknown) => void = () => undefined): void {
  Object.assign(endpoints, {
    async collect(this: typeof endpoints) {
      const counts = await countWebhookEndpointsByState(db).catch((err) => (onError(err), null));
      if (!counts) return;
      for (const state of ENDPOINT_STATES) this.set({ state }, counts[state]);
    },
  });
}
