import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `ingest_batches` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'ingest_batches' })
export class IngestBatch {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'sensor_id', type: 'uuid', nullable: false })
  sensorId: string;

  @Column({ name: 'received_at', type: 'timestamptz', nullable: false })
  receivedAt: Date;

  @Column({ name: 'format', type: 'text', nullable: false })
  format: string;

  @Column({ name: 'accepted', type: 'integer', nullable: false })
  accepted: number;

  @Column({ name: 'duplicates', type: 'integer', nullable: false })
  duplicates: number;

  @Column({ name: 'rejected', type: 'integer', nullable: false })
  rejected: number;

  @Column({ name: 'min_ts', type: 'timestamptz', nullable: true })
  minTs: Date | null;

  @Column({ name: 'max_ts', type: 'timestamptz', nullable: true })
  maxTs: Date | null;

  @Column({ name: 'status', type: 'text', nullable: false })
  status: string;

  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt: Date | null;

  @Column({ name: 'detect_attempts', type: 'integer', nullable: false })
  detectAttempts: number;

  @Column({ name: 'detected_at', type: 'timestamptz', nullable: true })
  detectedAt: Date | null;

  @Column({ name: 'error', type: 'text', nullable: true })
  error: string | null;
}
