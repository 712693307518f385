import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `incident_alerts` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'incident_alerts' })
export class IncidentAlert {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @PrimaryColumn({ name: 'alert_id', type: 'uuid' })
  alertId: string;

  @Column({ name: 'attached_at', type: 'timestamptz', nullable: false })
  attachedAt: Date;
}
