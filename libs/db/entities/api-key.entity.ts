import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `api_keys` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'sensor_id', type: 'uuid', nullable: false })
  sensorId: string;

  @Column({ name: 'key_prefix', type: 'text', nullable: false })
  keyPrefix: string;

  @Column({ name: 'key_hash', type: 'text', nullable: false })
  keyHash: string;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
