import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `suppressions` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'suppressions' })
export class Suppression {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId: string | null;

  @Column({ name: 'match', type: 'jsonb', nullable: false })
  match: Record<string, unknown>;

  @Column({ name: 'reason', type: 'text', nullable: false })
  reason: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'silenced_count', type: 'bigint', nullable: false })
  silencedCount: string;

  @Column({ name: 'last_silenced_at', type: 'timestamptz', nullable: true })
  lastSilencedAt: Date | null;
}
