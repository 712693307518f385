import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `sla_policies` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'sla_policies' })
export class SlaPolicy {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'severity', type: 'text', nullable: false })
  severity: string;

  @Column({ name: 'version', type: 'integer', nullable: false })
  version: number;

  @Column({ name: 'acknowledge_minutes', type: 'integer', nullable: false })
  acknowledgeMinutes: number;

  @Column({ name: 'resolve_minutes', type: 'integer', nullable: false })
  resolveMinutes: number;

  @Column({ name: 'calendar', type: 'jsonb', nullable: false })
  calendar: Record<string, unknown>;

  @Column({ name: 'pause_statuses', type: 'text', array: true, nullable: false })
  pauseStatuses: string[];

  @Column({ name: 'warn_fraction', type: 'real', nullable: false })
  warnFraction: number;

  @Column({ name: 'active', type: 'boolean', nullable: false })
  active: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
