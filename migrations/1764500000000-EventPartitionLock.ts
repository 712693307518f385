import type { MigrationInterface, QueryRunner } from 'typeorm';

const BODY = (lock: string) => `
CREATE OR REPLACE FUNCTION wf_ensure_event_partition(day date) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET app.all_tenants = 'on' AS $fn$
DECLARE
  part text := 'events_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := (day::timestamp AT TIME ZONE 'UTC');
  hi timestamptz := ((day + 1)::timestamp AT TIME ZONE 'UTC');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  ${lock}
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
  EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE ts >= %L AND ts < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
  EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  PERFORM wf_protect_event_partition(part::regclass);
  RETURN part;
END $fn$;`;

/**
 * Two ingest requests creating the same new day partition raced: the re-check after the advisory
 * lock could still see the catalog as it was before the other creator committed (an advisory lock
 * does not make the backend read pending catalog invalidations), so the loser failed with
 * "relation already exists". Locking `events` itself (SHARE UPDATE EXCLUSIVE: self-conflicting,
 * the lock ATTACH PARTITION takes anyway, and compatible with inserts) serialises creators and
 * refreshes the catalog view before the re-check.
 */
export class EventPartitionLock1764500000000 implements MigrationInterface {
  name = 'EventPartitionLock1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(BODY(`-- Serialise creators and see what the previous one committed; re-check after the lock.
  LOCK TABLE events IN SHARE UPDATE EXCLUSIVE MODE;`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(BODY(`-- Serialise creators; re-check after the lock.
  PERFORM pg_advisory_xact_lock(hashtext('wf_event_partitions'));`));
  }
}
