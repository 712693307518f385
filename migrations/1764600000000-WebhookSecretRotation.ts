import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standard Webhooks secret rotation: the secret being replaced stays valid (deliveries are signed
 * with both, the new one first) until previous_secret_expires_at, so receivers can switch without
 * rejecting a page. Sealed like the current secret.
 */
export class WebhookSecretRotation1764600000000 implements MigrationInterface {
  name = 'WebhookSecretRotation1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE webhook_endpoints
  ADD COLUMN previous_secret_ciphertext text,
  ADD COLUMN previous_secret_expires_at timestamptz,
  ADD CONSTRAINT webhook_endpoints_previous_secret_pair CHECK ((previous_secret_ciphertext IS NULL) = (previous_secret_expires_at IS NULL));
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE webhook_endpoints
  DROP CONSTRAINT IF EXISTS webhook_endpoints_previous_secret_pair,
  DROP COLUMN IF EXISTS previous_secret_expires_at,
  DROP COLUMN IF EXISTS previous_secret_ciphertext;
`);
  }
}
