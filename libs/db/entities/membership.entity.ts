import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `memberships` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'memberships' })
export class Membership {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
