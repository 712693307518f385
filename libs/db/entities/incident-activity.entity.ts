import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `incident_activity` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'incident_activity' })
export class IncidentActivity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'incident_id', type: 'uuid', nullable: false })
  incidentId: string;

  @Column({ name: 'kind', type: 'text', nullable: false })
  kind: string;

  @Column({ name: 'body', type: 'text', nullable: false })
  body: string;

  @Column({ name: 'visibility', type: 'text', nullable: false })
  visibility: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_kind', type: 'text', nullable: false })
  actorKind: string;

  @Column({ name: 'data', type: 'jsonb', nullable: false })
  data: Record<string, unknown>;

  @Column({ name: 'dedup_key', type: 'text', nullable: true })
  dedupKey: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;
}
