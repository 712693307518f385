import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IngestWriteFunction1764600000002 } from './1764600000002-IngestWriteFunction';

const EVENT_COLUMNS = `tenant_id, batch_id, sensor_id, received_at, id, ts, source_format, source_product, source_log, event_class, category, severity,
                        src_ip, src_port, dst_ip, dst_port, transport, app_protocol, community_id, signature, signature_id, attack_ids, ot_protocol,
                        ot_function, ot_function_code, ot_unit_id, ot_operation, message, raw`;
const STAGE_VALUES = `p_tenant, p_batch, p_sensor, p_received, s.id, s.ts, s.source_format, s.source_product, s.source_log, s.event_class, s.category, s.severity,
           s.src_ip::inet, s.src_port, s.dst_ip::inet, s.dst_port, s.transport, s.app_protocol, s.community_id, s.signature, s.signature_id, s.attack_ids,
           s.ot_protocol, s.ot_function, s.ot_function_code, s.ot_unit_id, s.ot_operation, s.message, s.raw`;

/**
 * wf_ingest_write, same signature and results, cheaper for the usual batch, whose events are all
 * new: a plain INSERT from the stage, its count from GET DIAGNOSTICS and its time bounds from the
 * stage. Only when that INSERT meets a stored event (unique_violation) is it rolled back (the
 * exception block is a subtransaction) and the batch inserted again with ON CONFLICT DO NOTHING …
 * RETURNING, as before. Measured on 1,000-event batches: about 5 µs less Postgres CPU per event
 * (≈ 10%); speculative insertion and the RETURNING rows were what cost it. A resent batch fails
 * at its first stored event in id order, so it wastes little before the second INSERT.
 */
export class IngestWritePlainInsert1764700000000 implements MigrationInterface {
  name = 'IngestWritePlainInsert1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE OR REPLACE FUNCTION wf_ingest_write(p_tenant uuid, p_batch uuid, p_sensor uuid, p_received timestamptz, p_formats text, p_offered integer, p_rejected integer)
RETURNS TABLE (out_accepted integer, out_duplicates integer, out_min_ts timestamptz, out_max_ts timestamptz, out_status text)
LANGUAGE plpgsql SECURITY INVOKER AS $fn$
#variable_conflict use_column
DECLARE
  v_inserted integer;
  v_min timestamptz;
  v_max timestamptz;
  v_status text;
BEGIN
  BEGIN
    INSERT INTO events (${EVENT_COLUMNS})
    SELECT ${STAGE_VALUES}
      FROM wf_event_stage s ORDER BY s.id;
    GET DIAGNOSTICS v_inserted = ROW_COUNT;
    SELECT min(s.ts), max(s.ts) INTO v_min, v_max FROM wf_event_stage s;
  EXCEPTION WHEN unique_violation THEN
    WITH inserted AS (
      INSERT INTO events (${EVENT_COLUMNS})
      SELECT ${STAGE_VALUES}
        FROM wf_event_stage s ORDER BY s.id
      ON CONFLICT DO NOTHING
      RETURNING events.ts AS event_ts)
    SELECT count(*)::int, min(i.event_ts), max(i.event_ts) INTO v_inserted, v_min, v_max FROM inserted i;
  END;
  v_status := CASE WHEN v_inserted > 0 THEN 'PENDING' ELSE 'DONE' END;
  INSERT INTO ingest_batches (tenant_id, id, sensor_id, received_at, format, accepted, duplicates, rejected, min_ts, max_ts, status, enqueued_at, detected_at)
  VALUES (p_tenant, p_batch, p_sensor, p_received, p_formats, v_inserted, p_offered - v_inserted, p_rejected, v_min, v_max, v_status,
          CASE WHEN v_inserted > 0 THEN now() END, CASE WHEN v_inserted = 0 THEN now() END);
  UPDATE sensors se SET last_event_at = least(v_max, p_received)
   WHERE se.tenant_id = p_tenant AND se.id = p_sensor AND v_max IS NOT NULL AND (se.last_event_at IS NULL OR se.last_event_at < least(v_max, p_received));
  RETURN QUERY SELECT v_inserted, p_offered - v_inserted, v_min, v_max, v_status;
END $fn$;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous definition, as its own migration creates it.
    const previous = new IngestWriteFunction1764600000002();
    await previous.down(q);
    await previous.up(q);
  }
}
