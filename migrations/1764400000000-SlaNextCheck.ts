import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SLA and paging (libs/sla, libs/paging): the next instant at which an incident's SLA warning or
 * breach, or its next escalation level, falls due. Delayed jobs fire at that instant; the periodic
 * sweeper selects incidents whose instant has passed (a lost job delays, never loses, a page).
 * The watch index holds the incidents whose cached SLA state may still need repair (open ones,
 * and closed ones missing their stored response times), so the sweeper never scans the closed
 * bulk of the table.
 */
export class SlaNextCheck1764400000000 implements MigrationInterface {
  name = 'SlaNextCheck1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE incidents ADD COLUMN sla_next_check_at timestamptz;
CREATE INDEX incidents_sla_next_check_idx ON incidents (sla_next_check_at) WHERE sla_next_check_at IS NOT NULL;
CREATE INDEX incidents_sla_watch_idx ON incidents (tenant_id, id)
  WHERE status NOT IN ('RESOLVED','CLOSED','FALSE_POSITIVE')
     OR (sla_policy_id IS NOT NULL AND time_to_resolve_seconds IS NULL)
     OR (sla_policy_id IS NOT NULL AND acknowledged_at IS NOT NULL AND time_to_acknowledge_seconds IS NULL);
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP INDEX IF EXISTS incidents_sla_watch_idx;
DROP INDEX IF EXISTS incidents_sla_next_check_idx;
ALTER TABLE incidents DROP COLUMN IF EXISTS sla_next_check_at;
`);
  }
}
