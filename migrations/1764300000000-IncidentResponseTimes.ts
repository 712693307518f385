import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporting figures (libs/reporting): the SLA code stores each incident's business-time-aware
 * time to acknowledge and time to resolve (whole seconds) when the incident is acknowledged or
 * resolved; reports fall back to wall-clock differences while they are null. The partial index
 * serves "resolved per day", which selects incidents by resolution time rather than creation time.
 */
export class IncidentResponseTimes1764300000000 implements MigrationInterface {
  name = 'IncidentResponseTimes1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE incidents
  ADD COLUMN time_to_acknowledge_seconds integer CHECK (time_to_acknowledge_seconds >= 0),
  ADD COLUMN time_to_resolve_seconds integer CHECK (time_to_resolve_seconds >= 0);
CREATE INDEX incidents_tenant_resolved_idx ON incidents (tenant_id, resolved_at) WHERE resolved_at IS NOT NULL;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP INDEX IF EXISTS incidents_tenant_resolved_idx;
ALTER TABLE incidents DROP COLUMN IF EXISTS time_to_resolve_seconds, DROP COLUMN IF EXISTS time_to_acknowledge_seconds;
`);
  }
}
