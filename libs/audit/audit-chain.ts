import crypto from 'node:crypto';
import type { ScopedTx } from '@watchfloor/tenancy';

/** Platform-level actions (tenants, users) are audited under this tenant id; no tenant row exists. */
export const PLATFORM_AUDIT_TENANT = '00000000-0000-0000-0000-000000000000';

export interface AuditEntryInput {
  tenantId: string;
  actorId: string | null;
  actorKind: 'user' | 'system' | 'sensor';
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

export interface AuditRow {
  tenantId: string;
  id: string;
  seq: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: Date;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level, so equal values always hash alike. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

interface HashedFields {
  tenantId: string;
  seq: number;
  actorId: string | null;
  actorKind: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: string;
}

export function auditEntryHash(prevHash: string, fields: HashedFields): string {
  return crypto.createHash('sha256').update(prevHash).update(canonicalJson(fields)).digest('hex');
}

/**
 * Appends one entry to the tenant's chain inside the caller's transaction: a per-tenant advisory
 * lock serialises writers, seq = previous + 1, hash = sha256(prev_hash + canonical entry).
 * Values go through a JSON round trip first, so what is hashed is what jsonb gives back.
 */
export async function appendAudit(tx: ScopedTx, entry: AuditEntryInput, now: Date = new Date()): Promise<{ seq: number; hash: string }> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit_log:' || $1::text, 0))`, [entry.tenantId]);
  const [last] = await tx.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [entry.tenantId]);
  const seq = last ? Number(last.seq) + 1 : 1;
  const prevHash = last?.hash ?? '';
  const createdAt = new Date(Math.floor(now.getTime())).toISOString();
  const fields: HashedFields = {
    tenantId: entry.tenantId,
    seq,
    actorId: entry.actorId,
    actorKind: entry.actorKind,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before === undefined ? null : JSON.parse(canonicalJson(entry.before)),
    after: entry.after === undefined ? null : JSON.parse(canonicalJson(entry.after)),
    requestId: entry.requestId ?? null,
    createdAt,
  };
  const hash = auditEntryHash(prevHash, fields);
  await tx.query(
    `INSERT INTO audit_log (tenant_id, seq, actor_id, actor_kind, action, target_type, target_id, before, after, request_id, created_at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13)`,
    [fields.tenantId, seq, fields.actorId, fields.actorKind, fields.action, fields.targetType, fields.targetId,
     fields.before === null ? null : JSON.stringify(fields.before), fields.after === null ? null : JSON.stringify(fields.after),
     fields.requestId, createdAt, prevHash, hash],
  );
  return { seq, hash };
}

export interface AuditChainStatus {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
}

/**
 * Re-computes a tenant's chain in seq order: a gap, a wrong prev_hash or a hash that does not
 * match the row's content marks the first broken seq. Reads in pages to bound memory.
 */
export async function verifyAuditChain(tx: ScopedTx, tenantId: string, pageSize = 5000): Promise<AuditChainStatus> {
  let prevHash = '';
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await tx.query<{
      seq: string; actor_id: string | null; actor_kind: string; action: string; target_type: string; target_id: string | null;
      before: unknown; after: unknown; request_id: string | null; created_at: Date; prev_hash: string; hash: string;
    }>(
      `SELECT seq, actor_id, actor_kind, action, target_type, target_id, before, after, request_id, created_at, prev_hash, hash
       FROM audit_log WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
      [tenantId, expectedSeq, pageSize],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const hash = auditEntryHash(row.prev_hash, {
        tenantId, seq, actorId: row.actor_id, actorKind: row.actor_kind, action: row.action, targetType: row.target_type,
        targetId: row.target_id, before: row.before, after: row.after, requestId: row.request_id, createdAt: new Date(row.created_at).toISOString(),
      });
      if (seq !== expectedSeq || row.prev_hash !== prevHash || hash !== row.hash) return { ok: false, checked, firstBrokenSeq: expectedSeq };
      prevHash = row.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < pageSize) break;
  }
  // A deleted tail is invisible here; deletes are refused to the application role (REVOKE DELETE).
  return { ok: true, checked, firstBrokenSeq: null };
}
