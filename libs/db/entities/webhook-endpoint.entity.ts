import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table `webhook_endpoints` (migrations/1764000000000-InitialSchema.ts). */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'name', type: 'text', nullable: false })
  name: string;

  @Column({ name: 'kind', type: 'text', nullable: false })
  kind: string;

  @Column({ name: 'url', type: 'text', nullable: false })
  url: string;

  @Column({ name: 'secret_ciphertext', type: 'text', nullable: true })
  secretCiphertext: string | null;

  /** The secret replaced by the last rotation, still signing until previousSecretExpiresAt. */
  @Column({ name: 'previous_secret_ciphertext', type: 'text', nullable: true })
  previousSecretCiphertext: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ name: 'routing_key_ciphertext', type: 'text', nullable: true })
  routingKeyCiphertext: string | null;

  @Column({ name: 'event_types', type: 'text', array: true, nullable: false })
  eventTypes: string[];

  @Column({ name: 'enabled', type: 'boolean', nullable: false })
  enabled: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: string | null;

  @Column({ name: 'circuit', type: 'jsonb', nullable: false })
  circuit: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: false })
  updatedAt: Date;
}
