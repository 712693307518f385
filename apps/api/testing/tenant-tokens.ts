import { Role } from '@watchfloor/auth';
import type { ApiTestApp } from './api-test-app';

/**
 * A user to sign in: a bare role is a member of tenant A (a PLATFORM_ADMIN of no tenant);
 * `{ role, tenants }` names its tenants ('A', 'B', both or none).
 */
export type TokenUser = Role | { role: Role; tenants: ('A' | 'B')[] };

export interface TenantsAndTokens<K extends string> {
  tenantA: string;
  tenantB: string;
  /** One bearer token per key of `users`. */
  tokens: Record<K, string>;
}

/**
 * Two tenants, 'Alpha' (A) and 'Beta' (B), and one user with a bearer token per entry of `users`,
 * created in the order given. Shared by the API specs whose beforeAll needs nothing else.
 */
export async function seedTenantsAndTokens<K extends string>(api: ApiTestApp, users: Record<K, TokenUser>): Promise<TenantsAndTokens<K>> {
  const tenantA = await api.createTenant('Alpha');
  const tenantB = await api.createTenant('Beta');
  const ids = { A: tenantA, B: tenantB };
  const tokens = {} as Record<K, string>;
  for (const [key, user] of Object.entries(users) as [K, TokenUser][]) {
    const { role, tenants } = typeof user === 'object' ? user : { role: user, tenants: user === Role.PLATFORM_ADMIN ? [] : (['A'] as const) };
    tokens[key] = (await api.userWithToken(role, tenants.map((x) => ids[x]))).token;
  }
  return { tenantA, tenantB, tokens };
}
