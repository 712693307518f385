import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `detection_rules` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'detection_rules' })
export class DetectionRule {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'owner_tenant_id', type: 'uuid', nullable: true })
  ownerTenantId: string | null;

  @Column({ name: 'sigma_id', type: 'text', nullable: false })
  sigmaId: string;

  @Column({ name: 'name', type: 'text', nullable: true })
  name: string | null;

  @Column({ name: 'kind', type: 'text', nullable: false })
  kind: string;

  @Column({ name: 'title', type: 'text', nullable: false })
  title: string;

  @Column({ name: 'author', type: 'text', nullable: true })
  author: string | null;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'level', type: 'text', nullable: false })
  level: string;

  @Column({ name: 'status', type: 'text', nullable: true })
  status: string | null;

  @Column({ name: 'tags', type: 'text', array: true, nullable: false })
  tags: string[];

  @Column({ name: 'references_', type: 'text', array: true, nullable: false })
  references: string[];

  @Column({ name: 'falsepositives', type: 'text', array: true, nullable: false })
  falsepositives: string[];

  @Column({ name: 'logsource', type: 'jsonb', nullable: false })
  logsource: Record<string, unknown>;

  @Column({ name: 'source_yaml', type: 'text', nullable: false })
  sourceYaml: string;

  @Column({ name: 'version', type: 'integer', nullable: false })
  version: number;

  @Column({ name: 'enabled_by_default', type: 'boolean', nullable: false })
  enabledByDefault: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
