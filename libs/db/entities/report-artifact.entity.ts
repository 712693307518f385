import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `report_artifacts` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'report_artifacts' })
export class ReportArtifact {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'report_id', type: 'uuid' })
  reportId: string;

  @PrimaryColumn({ name: 'format', type: 'text' })
  format: string;

  @Column({ name: 'content', type: 'bytea', nullable: false })
  content: Buffer;

  @Column({ name: 'size_bytes', type: 'integer', nullable: false })
  sizeBytes: number;

  @Column({ name: 'sha256', type: 'text', nullable: false })
  sha256: string;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
