import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `escalation_policies` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'escalation_policies' })
export class EscalationPolicy {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'name', type: 'text', nullable: false })
  name: string;

  @Column({ name: 'min_severity', type: 'text', nullable: false })
  minSeverity: string;

  @Column({ name: 'repeat', type: 'integer', nullable: false })
  repeat: number;

  @Column({ name: 'ack_timeout_seconds', type: 'integer', nullable: true })
  ackTimeoutSeconds: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
