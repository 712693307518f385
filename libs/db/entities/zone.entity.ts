import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `zones` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'zones' })
export class Zone {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'name', type: 'text', nullable: false })
  name: string;

  @Column({ name: 'purdue_level', type: 'smallint', nullable: false })
  purdueLevel: number;

  @Column({ name: 'cidrs', type: 'cidr', array: true, nullable: false })
  cidrs: string[];

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
