import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `alerts` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'alerts' })
export class Alert {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'dedup_key', type: 'text', nullable: false })
  dedupKey: string;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId: string | null;

  @Column({ name: 'rule_kind', type: 'text', nullable: false })
  ruleKind: string;

  @Column({ name: 'rule_ref', type: 'text', nullable: false })
  ruleRef: string;

  @Column({ name: 'rule_version', type: 'integer', nullable: true })
  ruleVersion: number | null;

  @Column({ name: 'rule_title', type: 'text', nullable: false })
  ruleTitle: string;

  @Column({ name: 'rule_author', type: 'text', nullable: true })
  ruleAuthor: string | null;

  @Column({ name: 'severity', type: 'text', nullable: false })
  severity: string;

  @Column({ name: 'disposition', type: 'text', nullable: false })
  disposition: string;

  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId: string | null;

  @Column({ name: 'event_ts', type: 'timestamptz', nullable: false })
  eventTs: Date;

  @Column({ name: 'event_count', type: 'integer', nullable: false })
  eventCount: number;

  @Column({ name: 'event_ids', type: 'uuid', array: true, nullable: false })
  eventIds: string[];

  @Column({ name: 'src_ip', type: 'inet', nullable: true })
  srcIp: string | null;

  @Column({ name: 'dst_ip', type: 'inet', nullable: true })
  dstIp: string | null;

  @Column({ name: 'asset_ids', type: 'uuid', array: true, nullable: false })
  assetIds: string[];

  @Column({ name: 'techniques', type: 'text', array: true, nullable: false })
  techniques: string[];

  @Column({ name: 'grouping_key', type: 'text', nullable: false })
  groupingKey: string;

  @Column({ name: 'incident_id', type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ name: 'suppression_id', type: 'uuid', nullable: true })
  suppressionId: string | null;

  @Column({ name: 'maintenance_window_id', type: 'uuid', nullable: true })
  maintenanceWindowId: string | null;

  @Column({ name: 'details', type: 'jsonb', nullable: false })
  details: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
