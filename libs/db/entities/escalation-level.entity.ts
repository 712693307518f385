import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `escalation_levels` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'escalation_levels' })
export class EscalationLevel {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'policy_id', type: 'uuid', nullable: false })
  policyId: string;

  @Column({ name: 'position', type: 'integer', nullable: false })
  position: number;

  @Column({ name: 'delay_seconds', type: 'integer', nullable: false })
  delaySeconds: number;

  @Column({ name: 'webhook_endpoint_ids', type: 'uuid', array: true, nullable: false })
  webhookEndpointIds: string[];
}
