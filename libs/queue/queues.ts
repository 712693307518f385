import type { ConnectionOptions } from 'bullmq';
import type { TraceCarrier } from '../telemetry/trace-context';

/** Every queue of the product, in one place. */
export const QUEUE_NAMES = ['detect', 'incidents', 'sla', 'deliver', 'reports', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Every job carries its tenant (or null for platform jobs) and the producer's trace context. */
export interface JobEnvelope {
  tenantId: string | null;
  trace?: TraceCarrier;
}

export interface DetectJobData extends JobEnvelope {
  tenantId: string;
  batchId: string;
}
export interface MaintenanceJobData extends JobEnvelope {
  tenantId: null;
  task: 'partitions';
}

/** BullMQ connection options from a redis:// URL; the prefix is hash-tagged for Redis Cluster. */
export function queueConnection(redisUrl: string): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

export function parseQueueList(value: string): QueueName[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`WORKER_QUEUES names unknown queue(s): ${unknown.join(', ')} (known: ${QUEUE_NAMES.join(', ')})`);
  return names as QueueName[];
}

/** Default job options: retried with backoff, failed jobs kept for inspection. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 10000, age: 7 * 24 * 3600 },
} as const;

/**
 * Domain events of an incident's life, produced by detection (opened, alert attached, severity
 * raised) and triage (acknowledged, status and severity changes, merged), consumed on the `sla`
 * queue by the SLA clock and the escalation planner. jobId = `${incidentId}:${type}:${version}`,
 * so a replay is a no-op. The periodic sweeper re-derives everything from Postgres, so a lost
 * event delays but never loses a warning, breach or page.
 */
export type IncidentEventType =
  | 'incident.opened'
  | 'incident.updated'
  | 'incident.acknowledged'
  | 'incident.status_changed'
  | 'incident.severity_changed'
  | 'incident.resolved'
  | 'incident.reopened'
  | 'incident.merged';

export interface IncidentEventJobData extends JobEnvelope {
  tenantId: string;
  incidentId: string;
  type: IncidentEventType;
  version: number;
  at: string;
}

export const INCIDENT_EVENT_JOB = 'incident-event';

export function incidentEventJobId(event: Pick<IncidentEventJobData, 'incidentId' | 'type' | 'version'>): string {
  return `${event.incidentId}:${event.type}:${event.version}`;
}

/**
 * Jobs of the `reports` queue. `generate` produces one report (jobId = the report id, so a replay
 * is a no-op); `monthly` is fired by a tenant's job scheduler and creates the previous month's
 * report; `reconcile` keeps the monthly schedulers in line with the tenants table.
 */
export const REPORT_JOBS = { generate: 'generate', monthly: 'monthly', reconcile: 'reconcile' } as const;

export interface ReportJobData extends JobEnvelope {
  tenantId: string;
  reportId: string;
}
export interface MonthlyReportJobData extends JobEnvelope {
  tenantId: string;
}
export interface ReportReconcileJobData extends JobEnvelope {
  tenantId: null;
}
