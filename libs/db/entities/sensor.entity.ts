import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `sensors` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'sensors' })
export class Sensor {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'name', type: 'text', nullable: false })
  name: string;

  @Column({ name: 'kind', type: 'text', nullable: false })
  kind: string;

  @Column({ name: 'declared_log', type: 'text', nullable: true })
  declaredLog: string | null;

  @Column({ name: 'expected_interval_seconds', type: 'integer', nullable: false })
  expectedIntervalSeconds: number;

  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true })
  lastEventAt: Date | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
