import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, served on /metrics by each app. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

function getOrCreate<T>(name: string, create: () => T): T {
  return (metricsRegistry.getSingleMetric(name) as T | undefined) ?? create();
}

export function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return getOrCreate(name, () => new Counter({ name, help, labelNames, registers: [metricsRegistry] }));
}

export function gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
  return getOrCreate(name, () => new Gauge({ name, help, labelNames, registers: [metricsRegistry] }));
}

export function histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram<string> {
  return getOrCreate(name, () => new Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry] }));
}

/**
 * Tenant ids as metric labels are bounded: the first `limit` tenants seen keep their own label,
 * the rest share "other", so a large MSP cannot explode series cardinality.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly limit = Number(process.env.METRICS_TENANT_LABEL_LIMIT ?? 50)) {}
  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size < this.limit) {
      this.seen.add(value);
      return value;
    }
    return 'other';
  }
}
