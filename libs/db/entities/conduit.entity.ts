import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `conduits` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'conduits' })
export class Conduit {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'from_zone_id', type: 'uuid', nullable: false })
  fromZoneId: string;

  @Column({ name: 'to_zone_id', type: 'uuid', nullable: false })
  toZoneId: string;

  @Column({ name: 'protocol', type: 'text', nullable: false })
  protocol: string;

  @Column({ name: 'ports', type: 'integer', array: true, nullable: true })
  ports: number[] | null;

  @Column({ name: 'bidirectional', type: 'boolean', nullable: false })
  bidirectional: boolean;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
