import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `detection_rule_versions` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'detection_rule_versions' })
export class DetectionRuleVersion {
  @PrimaryColumn({ name: 'rule_id', type: 'uuid' })
  ruleId: string;

  @PrimaryColumn({ name: 'version', type: 'integer' })
  version: number;

  @Column({ name: 'owner_tenant_id', type: 'uuid', nullable: true })
  ownerTenantId: string | null;

  @Column({ name: 'source_yaml', type: 'text', nullable: false })
  sourceYaml: string;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
