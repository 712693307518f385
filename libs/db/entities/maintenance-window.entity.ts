import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `maintenance_windows` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'maintenance_windows' })
export class MaintenanceWindow {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'zone_ids', type: 'uuid', array: true, nullable: false })
  zoneIds: string[];

  @Column({ name: 'asset_ids', type: 'uuid', array: true, nullable: false })
  assetIds: string[];

  @Column({ name: 'starts_at', type: 'timestamptz', nullable: false })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz', nullable: false })
  endsAt: Date;

  @Column({ name: 'change_ticket', type: 'text', nullable: false })
  changeTicket: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
