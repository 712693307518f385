import { appendAudit, PLATFORM_AUDIT_TENANT } from '@watchfloor/audit';
import { type Caller, hashPassword, isCustomerRole, Role, type UserRecord } from '@watchfloor/auth';
import { DomainError, DomainErrorCode, invalidInput, notFound } from '@watchfloor/errors';
import type { ScopedTx } from '@watchfloor/tenancy';
import type { TenantObject } from './tenants.types';

export const TENANT_COLUMNS = `id, name, slug, timezone, created_at AS "createdAt"`;
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Creates a tenant (platform scope) and audits it under the platform tenant. */
export async function createTenant(tx: ScopedTx, caller: Caller, input: { name: string; slug: string; timezone: string }): Promise<TenantObject> {
  if (!input.name.trim()) throw invalidInput('name must not be empty');
  if (!SLUG.test(input.slug)) throw invalidInput('slug must be 2-63 lowercase letters, digits or dashes, starting with a letter or digit');
  if (!validTimezone(input.timezone)) throw invalidInput(`unknown time zone ${input.timezone}`);
  const existing = await tx.query(`SELECT 1 FROM tenants WHERE slug = $1`, [input.slug]);
  if (existing.length) throw new DomainError(DomainErrorCode.AlreadyExists, `a tenant with slug ${input.slug} exists`);
  const [tenant] = await tx.query<TenantObject>(`INSERT INTO tenants (name, slug, timezone) VALUES ($1, $2, $3) RETURNING ${TENANT_COLUMNS}`, [
    input.name.trim(), input.slug, input.timezone,
  ]);
  await appendAudit(tx, {
    tenantId: PLATFORM_AUDIT_TENANT, actorId: caller.userId, actorKind: 'user', action: 'tenant.created', targetType: 'tenant',
    targetId: tenant.id, after: { name: tenant.name, slug: tenant.slug, timezone: tenant.timezone }, requestId: caller.requestId,
  });
  return tenant;
}

export async function createUser(
  tx: ScopedTx,
  caller: Caller,
  input: { email: string; password: string; role: Role; tenantIds?: string[] | null; displayName?: string | null },
): Promise<UserRecord> {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalidInput('email is not an email address');
  if (input.password.length < 12) throw invalidInput('password must be at least 12 characters');
  const tenantIds = [...new Set(input.tenantIds ?? [])];
  if (isCustomerRole(input.role) && tenantIds.length !== 1) throw invalidInput('a customer user belongs to exactly one tenant');
  if (input.role === Role.PLATFORM_ADMIN && tenantIds.length) throw invalidInput('a platform admin sees every tenant: give no tenantIds');
  if (tenantIds.length) {
    const found = await tx.query<{ id: string }>(`SELECT id FROM tenants WHERE id = ANY($1::uuid[])`, [tenantIds]);
    const missing = tenantIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw notFound('tenant', missing.join(', '));
  }
  const dup = await tx.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [email]);
  if (dup.length) throw new DomainError(DomainErrorCode.AlreadyExists, 'a user with this email exists');
  const hash = await hashPassword(input.password);
  const displayName = input.displayName?.trim() || email.split('@')[0];
  const [user] = await tx.query<{ id: string }>(`INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id`, [
    email, displayName, hash, input.role,
  ]);
  for (const tenantId of tenantIds) await tx.query(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2)`, [tenantId, user.id]);
  await appendAudit(tx, {
    tenantId: PLATFORM_AUDIT_TENANT, actorId: caller.userId, actorKind: 'user', action: 'user.created', targetType: 'user',
    targetId: user.id, after: { email, role: input.role, tenantIds }, requestId: caller.requestId,
  });
  return { id: user.id, email, displayName, role: input.role, tenantIds };
}
