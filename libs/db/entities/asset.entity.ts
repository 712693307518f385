import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `assets` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'assets' })
export class Asset {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'name', type: 'text', nullable: false })
  name: string;

  @Column({ name: 'ip', type: 'inet', nullable: true })
  ip: string | null;

  @Column({ name: 'mac', type: 'macaddr', nullable: true })
  mac: string | null;

  @Column({ name: 'kind', type: 'text', nullable: true })
  kind: string | null;

  @Column({ name: 'vendor', type: 'text', nullable: true })
  vendor: string | null;

  @Column({ name: 'model', type: 'text', nullable: true })
  model: string | null;

  @Column({ name: 'firmware', type: 'text', nullable: true })
  firmware: string | null;

  @Column({ name: 'purdue_level', type: 'smallint', nullable: true })
  purdueLevel: number | null;

  @Column({ name: 'criticality', type: 'text', nullable: false })
  criticality: string;

  @Column({ name: 'zone_id', type: 'uuid', nullable: true })
  zoneId: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz', nullable: true })
  firstSeenAt: Date | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
