import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest stages each batch in a temporary table of its connection (libs/ingest/event-writer.ts)
 * while running as watchfloor_app. Temporary tables need the TEMPORARY privilege on the
 * database, which PUBLIC has by default but hardened installations revoke: grant it explicitly.
 */
export class IngestStageTemp1764600000001 implements MigrationInterface {
  name = 'IngestStageTemp1764600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO watchfloor_app', current_database()); END $$;`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM watchfloor_app', current_database()); END $$;`);
  }
}
