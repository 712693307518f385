import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `reports` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'reports' })
export class Report {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'period_from', type: 'timestamptz', nullable: false })
  periodFrom: Date;

  @Column({ name: 'period_to', type: 'timestamptz', nullable: false })
  periodTo: Date;

  @Column({ name: 'kind', type: 'text', nullable: false })
  kind: string;

  @Column({ name: 'status', type: 'text', nullable: false })
  status: string;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy: string | null;

  @Column({ name: 'summary', type: 'jsonb', nullable: true })
  summary: Record<string, unknown> | null;

  @Column({ name: 'error', type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
