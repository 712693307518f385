import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `tenants` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'name', type: 'text', nullable: false })
  name: string;

  @Column({ name: 'slug', type: 'text', nullable: false })
  slug: string;

  @Column({ name: 'timezone', type: 'text', nullable: false })
  timezone: string;

  @Column({ name: 'settings', type: 'jsonb', nullable: false })
  settings: Record<string, unknown>;

  @Column({ name: 'monthly_report', type: 'boolean', nullable: false })
  monthlyReport: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
