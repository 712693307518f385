import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole domain of ARCHITECTURE.md. Tenant-owned tables carry `tenant_id`, a `(tenant_id, id)`
 * primary key, tenant-first indexes and a FORCEd row-level security policy keyed on the
 * per-transaction settings `app.tenant_ids` (comma-separated uuids) and `app.all_tenants`.
 * The application reaches them as `watchfloor_app` (no BYPASSRLS, not the owner), see libs/tenancy.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'watchfloor_app') THEN
    CREATE ROLE watchfloor_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

CREATE FUNCTION app_tenant_visible(t uuid) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
    SELECT coalesce(current_setting('app.all_tenants', true), '') = 'on'
        OR t = ANY (string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ',')::uuid[])
  $fn$;

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  timezone text NOT NULL DEFAULT 'UTC',
  settings jsonb NOT NULL DEFAULT '{}',
  monthly_report boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  display_name text NOT NULL,
  password_hash text,
  role text NOT NULL CHECK (role IN ('PLATFORM_ADMIN','SOC_LEAD','SOC_ANALYST','CUSTOMER_ADMIN','CUSTOMER_VIEWER')),
  oidc_subject text,
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_oidc_subject_key ON users (oidc_subject) WHERE oidc_subject IS NOT NULL;

CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  replaced_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE memberships (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sensors (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('SURICATA','ZEEK','FIREWALL','OT_MONITOR','OTHER')),
  declared_log text,
  expected_interval_seconds integer NOT NULL DEFAULT 900,
  last_event_at timestamptz,
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE api_keys (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  sensor_id uuid NOT NULL,
  key_prefix text NOT NULL,
  key_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sensor_id) REFERENCES sensors(tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (key_prefix);
CREATE INDEX api_keys_sensor_idx ON api_keys (tenant_id, sensor_id);

CREATE TABLE audit_log (
  tenant_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  seq bigint NOT NULL,
  actor_id uuid,
  actor_kind text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  before jsonb,
  after jsonb,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_log_tenant_created_idx ON audit_log (tenant_id, created_at DESC);

CREATE TABLE zones (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  purdue_level smallint NOT NULL CHECK (purdue_level BETWEEN 0 AND 5),
  cidrs cidr[] NOT NULL DEFAULT '{}',
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE conduits (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  from_zone_id uuid NOT NULL,
  to_zone_id uuid NOT NULL,
  protocol text NOT NULL,
  ports integer[],
  bidirectional boolean NOT NULL DEFAULT false,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, from_zone_id) REFERENCES zones(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, to_zone_id) REFERENCES zones(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE assets (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  ip inet,
  mac macaddr,
  kind text,
  vendor text,
  model text,
  firmware text,
  purdue_level smallint CHECK (purdue_level BETWEEN 0 AND 5),
  criticality text NOT NULL DEFAULT 'MEDIUM' CHECK (criticality IN ('LOW','MEDIUM','HIGH','CRITICAL')),
  zone_id uuid,
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, zone_id) REFERENCES zones(tenant_id, id) ON DELETE SET NULL (zone_id)
);
CREATE UNIQUE INDEX assets_tenant_ip_key ON assets (tenant_id, ip) WHERE ip IS NOT NULL;

CREATE TABLE asset_vulnerabilities (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL,
  cve text NOT NULL CHECK (cve ~ '^CVE-[0-9]{4}-[0-9]{4,}$'),
  cvss numeric(3,1) CHECK (cvss BETWEEN 0 AND 10),
  patch_state text NOT NULL DEFAULT 'UNPATCHED' CHECK (patch_state IN ('UNPATCHED','MITIGATED','PATCHED','NOT_AFFECTED')),
  description text,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, asset_id, cve),
  FOREIGN KEY (tenant_id, asset_id) REFERENCES assets(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE ingest_batches (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  sensor_id uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  format text NOT NULL,
  accepted integer NOT NULL,
  duplicates integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  min_ts timestamptz,
  max_ts timestamptz,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','DETECTING','DONE','FAILED')),
  enqueued_at timestamptz,
  detect_attempts integer NOT NULL DEFAULT 0,
  detected_at timestamptz,
  error text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sensor_id) REFERENCES sensors(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ingest_batches_pending_idx ON ingest_batches (received_at) WHERE status IN ('PENDING','DETECTING');

CREATE TABLE events (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  ts timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  sensor_id uuid NOT NULL,
  batch_id uuid NOT NULL,
  source_format text NOT NULL,
  source_product text NOT NULL,
  source_log text NOT NULL,
  event_class text NOT NULL,
  category text,
  severity smallint NOT NULL,
  src_ip inet,
  src_port integer,
  dst_ip inet,
  dst_port integer,
  transport text,
  app_protocol text,
  community_id text,
  signature text,
  signature_id text,
  attack_ids text[],
  ot_protocol text,
  ot_function text,
  ot_function_code integer,
  ot_unit_id integer,
  ot_operation text,
  message text,
  raw jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX events_tenant_ts_idx ON events (tenant_id, ts DESC) INCLUDE (severity);
CREATE INDEX events_tenant_batch_idx ON events (tenant_id, batch_id);
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE TABLE detection_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  sigma_id text NOT NULL,
  name text,
  kind text NOT NULL CHECK (kind IN ('SIGMA','CORRELATION','BUILTIN')),
  title text NOT NULL,
  author text,
  description text,
  level text NOT NULL DEFAULT 'medium',
  status text,
  tags text[] NOT NULL DEFAULT '{}',
  references_ text[] NOT NULL DEFAULT '{}',
  falsepositives text[] NOT NULL DEFAULT '{}',
  logsource jsonb NOT NULL DEFAULT '{}',
  source_yaml text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  enabled_by_default boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX detection_rules_owner_sigma_key ON detection_rules (coalesce(owner_tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), sigma_id);

CREATE TABLE detection_rule_versions (
  rule_id uuid NOT NULL REFERENCES detection_rules(id) ON DELETE CASCADE,
  version integer NOT NULL,
  owner_tenant_id uuid,
  source_yaml text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, version)
);

CREATE TABLE tenant_rule_settings (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  rule_id uuid NOT NULL REFERENCES detection_rules(id) ON DELETE CASCADE,
  enabled boolean NOT NULL,
  severity_override text CHECK (severity_override IN ('INFO','LOW','MEDIUM','HIGH','CRITICAL')),
  overrides jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, rule_id)
);

CREATE TABLE suppressions (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  rule_id uuid,
  match jsonb NOT NULL,
  reason text NOT NULL,
  expires_at timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  silenced_count bigint NOT NULL DEFAULT 0,
  last_silenced_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE maintenance_windows (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  asset_ids uuid[] NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  change_ticket text NOT NULL,
  description text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CHECK (ends_at > starts_at)
);
CREATE INDEX maintenance_windows_time_idx ON maintenance_windows (tenant_id, ends_at);

CREATE TABLE sla_policies (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  severity text NOT NULL CHECK (severity IN ('INFO','LOW','MEDIUM','HIGH','CRITICAL')),
  version integer NOT NULL DEFAULT 1,
  acknowledge_minutes integer NOT NULL CHECK (acknowledge_minutes > 0),
  resolve_minutes integer NOT NULL CHECK (resolve_minutes > 0),
  calendar jsonb NOT NULL DEFAULT '{"kind":"24x7"}',
  pause_statuses text[] NOT NULL DEFAULT '{AWAITING_CUSTOMER}',
  warn_fraction real NOT NULL DEFAULT 0.8 CHECK (warn_fraction > 0 AND warn_fraction < 1),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, severity, version)
);
CREATE UNIQUE INDEX sla_policies_active_key ON sla_policies (tenant_id, severity) WHERE active;

CREATE TABLE incidents (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number bigint GENERATED ALWAYS AS IDENTITY,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'NEW' CHECK (status IN ('NEW','ACKNOWLEDGED','INVESTIGATING','AWAITING_CUSTOMER','CONTAINED','RESOLVED','CLOSED','FALSE_POSITIVE')),
  severity text NOT NULL CHECK (severity IN ('INFO','LOW','MEDIUM','HIGH','CRITICAL')),
  assignee_id uuid REFERENCES users(id) ON DELETE SET NULL,
  grouping_key text NOT NULL,
  window_started_at timestamptz NOT NULL,
  last_alert_at timestamptz NOT NULL,
  alert_count integer NOT NULL DEFAULT 0,
  techniques text[] NOT NULL DEFAULT '{}',
  asset_ids uuid[] NOT NULL DEFAULT '{}',
  src_ips inet[] NOT NULL DEFAULT '{}',
  merged_into_id uuid,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  sla_policy_id uuid,
  sla_policy_version integer,
  acknowledge_due_at timestamptz,
  resolve_due_at timestamptz,
  paused_since timestamptz,
  paused_seconds integer NOT NULL DEFAULT 0,
  acknowledge_warned_at timestamptz,
  resolve_warned_at timestamptz,
  acknowledge_breached_at timestamptz,
  resolve_breached_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, grouping_key, window_started_at)
);
CREATE INDEX incidents_tenant_status_idx ON incidents (tenant_id, status, severity, created_at DESC);
CREATE INDEX incidents_tenant_created_idx ON incidents (tenant_id, created_at DESC, id);
CREATE INDEX incidents_open_key_idx ON incidents (tenant_id, grouping_key, last_alert_at DESC);

CREATE TABLE alerts (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  dedup_key text NOT NULL,
  rule_id uuid,
  rule_kind text NOT NULL,
  rule_ref text NOT NULL,
  rule_version integer,
  rule_title text NOT NULL,
  rule_author text,
  severity text NOT NULL CHECK (severity IN ('INFO','LOW','MEDIUM','HIGH','CRITICAL')),
  disposition text NOT NULL DEFAULT 'OPEN' CHECK (disposition IN ('OPEN','SUPPRESSED','MAINTENANCE')),
  event_id uuid,
  event_ts timestamptz NOT NULL,
  event_count integer NOT NULL DEFAULT 1,
  event_ids uuid[] NOT NULL DEFAULT '{}',
  src_ip inet,
  dst_ip inet,
  asset_ids uuid[] NOT NULL DEFAULT '{}',
  techniques text[] NOT NULL DEFAULT '{}',
  grouping_key text NOT NULL,
  incident_id uuid,
  suppression_id uuid,
  maintenance_window_id uuid,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, dedup_key)
);
CREATE INDEX alerts_tenant_created_idx ON alerts (tenant_id, created_at DESC);
CREATE INDEX alerts_tenant_incident_idx ON alerts (tenant_id, incident_id);

CREATE TABLE incident_alerts (
  tenant_id uuid NOT NULL,
  incident_id uuid NOT NULL,
  alert_id uuid NOT NULL,
  attached_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, incident_id, alert_id),
  FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts(tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX incident_alerts_alert_key ON incident_alerts (tenant_id, alert_id);

CREATE TABLE incident_activity (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL,
  kind text NOT NULL,
  body text NOT NULL DEFAULT '',
  visibility text NOT NULL DEFAULT 'INTERNAL' CHECK (visibility IN ('INTERNAL','CUSTOMER')),
  actor_id uuid,
  actor_kind text NOT NULL DEFAULT 'system',
  data jsonb NOT NULL DEFAULT '{}',
  dedup_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX incident_activity_incident_idx ON incident_activity (tenant_id, incident_id, created_at);
CREATE UNIQUE INDEX incident_activity_dedup_key ON incident_activity (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL;

CREATE TABLE webhook_endpoints (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('PAGERDUTY','STANDARD')),
  url text NOT NULL,
  secret_ciphertext text,
  routing_key_ciphertext text,
  event_types text[] NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  circuit jsonb NOT NULL DEFAULT '{"state":"closed","failures":0}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE escalation_policies (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  min_severity text NOT NULL DEFAULT 'LOW' CHECK (min_severity IN ('INFO','LOW','MEDIUM','HIGH','CRITICAL')),
  repeat integer NOT NULL DEFAULT 0 CHECK (repeat BETWEEN 0 AND 10),
  ack_timeout_seconds integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE escalation_levels (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  policy_id uuid NOT NULL,
  position integer NOT NULL,
  delay_seconds integer NOT NULL CHECK (delay_seconds >= 0),
  webhook_endpoint_ids uuid[] NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, policy_id, position),
  FOREIGN KEY (tenant_id, policy_id) REFERENCES escalation_policies(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE deliveries (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  endpoint_id uuid NOT NULL,
  incident_id uuid,
  message_id text NOT NULL,
  idempotency_key text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','DELIVERING','DELIVERED','FAILED','DEAD')),
  attempt_count integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX deliveries_incident_idx ON deliveries (tenant_id, incident_id, created_at DESC);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status IN ('PENDING','DELIVERING');

CREATE TABLE delivery_attempts (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  delivery_id uuid NOT NULL,
  attempt integer NOT NULL,
  status_code integer,
  latency_ms integer,
  error text,
  response_excerpt text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, delivery_id, attempt),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES deliveries(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE reports (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  period_from timestamptz NOT NULL,
  period_to timestamptz NOT NULL,
  kind text NOT NULL DEFAULT 'ON_DEMAND' CHECK (kind IN ('ON_DEMAND','SCHEDULED')),
  status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','READY','FAILED')),
  requested_by uuid,
  summary jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  CHECK (period_to > period_from)
);
CREATE INDEX reports_tenant_created_idx ON reports (tenant_id, created_at DESC);

CREATE TABLE report_artifacts (
  tenant_id uuid NOT NULL,
  report_id uuid NOT NULL,
  format text NOT NULL CHECK (format IN ('JSON','CSV','PDF')),
  content bytea NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, report_id, format),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports(tenant_id, id) ON DELETE CASCADE
);
`);

    // Row-level security: enabled and forced on every tenant-owned table, one policy each.
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY; ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_wall ON ${table} USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));`);
    }
    // Tenants: a scope sees its own tenant rows; creating tenants needs the all-tenants scope.
    await q.query(`ALTER TABLE tenants ENABLE ROW LEVEL SECURITY; ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_wall ON tenants USING (app_tenant_visible(id)) WITH CHECK (app_tenant_visible(id));`);
    // Global rules (owner_tenant_id NULL) are readable by every scope and writable only by the all-tenants scope.
    await q.query(`ALTER TABLE detection_rules ENABLE ROW LEVEL SECURITY; ALTER TABLE detection_rules FORCE ROW LEVEL SECURITY;
      CREATE POLICY rule_read ON detection_rules FOR SELECT USING (owner_tenant_id IS NULL OR app_tenant_visible(owner_tenant_id));
      CREATE POLICY rule_write ON detection_rules FOR ALL USING (app_tenant_visible(owner_tenant_id) OR (owner_tenant_id IS NULL AND coalesce(current_setting('app.all_tenants', true), '') = 'on'))
        WITH CHECK (app_tenant_visible(owner_tenant_id) OR (owner_tenant_id IS NULL AND coalesce(current_setting('app.all_tenants', true), '') = 'on'));
      ALTER TABLE detection_rule_versions ENABLE ROW LEVEL SECURITY; ALTER TABLE detection_rule_versions FORCE ROW LEVEL SECURITY;
      CREATE POLICY rule_read ON detection_rule_versions FOR SELECT USING (owner_tenant_id IS NULL OR app_tenant_visible(owner_tenant_id));
      CREATE POLICY rule_write ON detection_rule_versions FOR ALL USING (app_tenant_visible(owner_tenant_id) OR (owner_tenant_id IS NULL AND coalesce(current_setting('app.all_tenants', true), '') = 'on'))
        WITH CHECK (app_tenant_visible(owner_tenant_id) OR (owner_tenant_id IS NULL AND coalesce(current_setting('app.all_tenants', true), '') = 'on'));`);

    // Daily partitions of events: created ahead by the maintenance job and on demand by ingest,
    // each with the same forced RLS as its parent (a partition queried directly must not leak).
    // SECURITY DEFINER so the application role may create partitions without owning tables.
    await q.query(`
CREATE FUNCTION wf_protect_event_partition(part regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', part);
  IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = part AND polname = 'tenant_wall') THEN
    EXECUTE format('CREATE POLICY tenant_wall ON %s USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id))', part);
  END IF;
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO watchfloor_app', part);
END $fn$;

CREATE FUNCTION wf_ensure_event_partition(day date) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET app.all_tenants = 'on' AS $fn$
DECLARE
  part text := 'events_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := (day::timestamp AT TIME ZONE 'UTC');
  hi timestamptz := ((day + 1)::timestamp AT TIME ZONE 'UTC');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  -- Serialise creators; re-check after the lock.
  PERFORM pg_advisory_xact_lock(hashtext('wf_event_partitions'));
  IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
  EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
  -- Rows that reached the default partition before this day had its own move over first.
  EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE ts >= %L AND ts < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
  EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  PERFORM wf_protect_event_partition(part::regclass);
  RETURN part;
END $fn$;

CREATE FUNCTION wf_drop_expired_event_partitions(retention_days integer) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET app.all_tenants = 'on' AS $fn$
DECLARE
  r record;
  cutoff date := (now() AT TIME ZONE 'UTC')::date - retention_days;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('wf_event_partitions'));
  FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{8}$'
             AND to_date(substr(c.relname, 9), 'YYYYMMDD') < cutoff
  LOOP
    EXECUTE format('DROP TABLE %I', r.relname);
    RETURN NEXT r.relname;
  END LOOP;
  DELETE FROM events_default WHERE ts < (cutoff::timestamp AT TIME ZONE 'UTC');
END $fn$;

SELECT wf_protect_event_partition('events_default'::regclass);
REVOKE ALL ON FUNCTION wf_ensure_event_partition(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION wf_drop_expired_event_partitions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wf_ensure_event_partition(date) TO watchfloor_app;
GRANT EXECUTE ON FUNCTION wf_drop_expired_event_partitions(integer) TO watchfloor_app;
`);

    // The audit log is append-only for the application role.
    await q.query(`
GRANT USAGE ON SCHEMA public TO watchfloor_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO watchfloor_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM watchfloor_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO watchfloor_app;
GRANT EXECUTE ON FUNCTION app_tenant_visible(uuid) TO watchfloor_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE IF EXISTS report_artifacts, reports, delivery_attempts, deliveries, escalation_levels, escalation_policies,
  webhook_endpoints, incident_activity, incident_alerts, alerts, incidents, sla_policies, maintenance_windows,
  suppressions, tenant_rule_settings, detection_rule_versions, detection_rules, events, ingest_batches,
  asset_vulnerabilities, assets, conduits, zones, audit_log, api_keys, sensors, memberships, refresh_tokens, users, tenants CASCADE;
DROP FUNCTION IF EXISTS wf_ensure_event_partition(date);
DROP FUNCTION IF EXISTS wf_drop_expired_event_partitions(integer);
DROP FUNCTION IF EXISTS wf_protect_event_partition(regclass);
DROP FUNCTION IF EXISTS app_tenant_visible(uuid);
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'watchfloor_app') THEN
    EXECUTE format('REVOKE ALL ON SCHEMA public FROM watchfloor_app');
  END IF;
END $$;
`);
  }
}

/** Tables whose rows belong to one tenant (column tenant_id). Tests enumerate the catalog, not this list. */
export const TENANT_TABLES = [
  'memberships', 'sensors', 'api_keys', 'audit_log', 'zones', 'conduits', 'assets', 'asset_vulnerabilities',
  'ingest_batches', 'events', 'tenant_rule_settings', 'suppressions', 'maintenance_windows', 'sla_policies',
  'incidents', 'alerts', 'incident_alerts', 'incident_activity', 'webhook_endpoints', 'escalation_policies',
  'escalation_levels', 'deliveries', 'delivery_attempts', 'reports', 'report_artifacts',
] as const;
