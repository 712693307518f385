import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `deliveries` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'deliveries' })
export class Delivery {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'endpoint_id', type: 'uuid', nullable: false })
  endpointId: string;

  @Column({ name: 'incident_id', type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ name: 'message_id', type: 'text', nullable: false })
  messageId: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: false })
  idempotencyKey: string;

  @Column({ name: 'event_type', type: 'text', nullable: false })
  eventType: string;

  @Column({ name: 'payload', type: 'jsonb', nullable: false })
  payload: Record<string, unknown>;

  @Column({ name: 'status', type: 'text', nullable: false })
  status: string;

  @Column({ name: 'attempt_count', type: 'integer', nullable: false })
  attemptCount: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
