import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Table `audit_log` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'audit_log' })
export class AuditLog {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryGeneratedColumn('identity', { name: 'id', type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'seq', type: 'bigint', nullable: false })
  seq: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_kind', type: 'text', nullable: false })
  actorKind: string;

  @Column({ name: 'action', type: 'text', nullable: false })
  action: string;

  @Column({ name: 'target_type', type: 'text', nullable: false })
  targetType: string;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId: string | null;

  @Column({ name: 'before', type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ name: 'after', type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'prev_hash', type: 'text', nullable: false })
  prevHash: string;

  @Column({ name: 'hash', type: 'text', nullable: false })
  hash: string;
}
