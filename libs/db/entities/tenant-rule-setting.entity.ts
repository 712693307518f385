import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `tenant_rule_settings` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'tenant_rule_settings' })
export class TenantRuleSetting {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'rule_id', type: 'uuid' })
  ruleId: string;

  @Column({ name: 'enabled', type: 'boolean', nullable: false })
  enabled: boolean;

  @Column({ name: 'severity_override', type: 'text', nullable: true })
  severityOverride: string | null;

  @Column({ name: 'overrides', type: 'jsonb', nullable: false })
  overrides: Record<string, unknown>;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
