import type { ConnectionOptions, JobsOptions } from 'bullmq';
import { createRedisClient, parseClusterNodes, redisUrlOptions } from './redis-connection';
import type { TraceCarrier } from '../telemetry/trace-context';

/** Every queue of the product, in one place. */
export const QUEUE_NAMES = ['detect', 'incidents', 'sla', 'deliver', 'reports', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The minimal queue surface producers use (a BullMQ Queue satisfies it; tests pass fakes). */
export interface JobQueue<T> {
  add(name: string, data: T, opts?: JobsOptions): Promise<unknown>;
}

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

/**
 * BullMQ's connection: options for a single endpoint (BullMQ opens and closes its connections),
 * or, with Redis Cluster seed nodes, a Cluster client that BullMQ shares and duplicates for its
 * blocking reads, and that the caller closes (RedisModule does for the apps). The queue prefix
 * is hash-tagged (`{wf}`) so each queue's keys share one slot, as BullMQ's scripts need.
 */
export function queueConnection(redisUrl: string, clusterNodes?: string | null): ConnectionOptions {
  if (parseClusterNodes(clusterNodes)) return createRedisClient({ url: redisUrl, clusterNodes }, { maxRetriesPerRequest: null });
  const { host, port, username, password, db, tls } = redisUrlOptions(redisUrl);
  return { host, port, username, password, db, tls, maxRetriesPerRequest: null };
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
