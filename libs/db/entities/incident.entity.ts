import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `incidents` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'incidents' })
export class Incident {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'number', type: 'bigint', nullable: false, generated: 'identity', generatedIdentity: 'ALWAYS', insert: false, update: false })
  number: string;

  @Column({ name: 'title', type: 'text', nullable: false })
  title: string;

  @Column({ name: 'summary', type: 'text', nullable: false })
  summary: string;

  @Column({ name: 'status', type: 'text', nullable: false })
  status: string;

  @Column({ name: 'severity', type: 'text', nullable: false })
  severity: string;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ name: 'grouping_key', type: 'text', nullable: false })
  groupingKey: string;

  @Column({ name: 'window_started_at', type: 'timestamptz', nullable: false })
  windowStartedAt: Date;

  @Column({ name: 'last_alert_at', type: 'timestamptz', nullable: false })
  lastAlertAt: Date;

  @Column({ name: 'alert_count', type: 'integer', nullable: false })
  alertCount: number;

  @Column({ name: 'techniques', type: 'text', array: true, nullable: false })
  techniques: string[];

  @Column({ name: 'asset_ids', type: 'uuid', array: true, nullable: false })
  assetIds: string[];

  @Column({ name: 'src_ips', type: 'inet', array: true, nullable: false })
  srcIps: string[];

  @Column({ name: 'merged_into_id', type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  @Column({ name: 'version', type: 'integer', nullable: false })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'sla_policy_id', type: 'uuid', nullable: true })
  slaPolicyId: string | null;

  @Column({ name: 'sla_policy_version', type: 'integer', nullable: true })
  slaPolicyVersion: number | null;

  @Column({ name: 'acknowledge_due_at', type: 'timestamptz', nullable: true })
  acknowledgeDueAt: Date | null;

  @Column({ name: 'resolve_due_at', type: 'timestamptz', nullable: true })
  resolveDueAt: Date | null;

  @Column({ name: 'paused_since', type: 'timestamptz', nullable: true })
  pausedSince: Date | null;

  @Column({ name: 'paused_seconds', type: 'integer', nullable: false })
  pausedSeconds: number;

  @Column({ name: 'acknowledge_warned_at', type: 'timestamptz', nullable: true })
  acknowledgeWarnedAt: Date | null;

  @Column({ name: 'resolve_warned_at', type: 'timestamptz', nullable: true })
  resolveWarnedAt: Date | null;

  @Column({ name: 'acknowledge_breached_at', type: 'timestamptz', nullable: true })
  acknowledgeBreachedAt: Date | null;

  @Column({ name: 'resolve_breached_at', type: 'timestamptz', nullable: true })
  resolveBreachedAt: Date | null;

  /** Business-time-aware figures stored by the SLA code (migrations/1764300000000-IncidentResponseTimes.ts). */
  @Column({ name: 'time_to_acknowledge_seconds', type: 'integer', nullable: true })
  timeToAcknowledgeSeconds: number | null;

  @Column({ name: 'time_to_resolve_seconds', type: 'integer', nullable: true })
  timeToResolveSeconds: number | null;

  /** Next SLA warning/breach or escalation instant (migrations/1764400000000-SlaNextCheck.ts). */
  @Column({ name: 'sla_next_check_at', type: 'timestamptz', nullable: true })
  slaNextCheckAt: Date | null;
}
