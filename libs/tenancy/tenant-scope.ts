const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A canonical (8-4-4-4-12 hex) uuid: ids of tenants and every other row. */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/**
 * Which tenants' rows a transaction may see: one tenant (sensors, customers), a list (analysts
 * assigned to several tenants), or all (platform admins and system jobs, with a stated reason).
 */
export type TenantScope =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'tenants'; readonly tenantIds: readonly string[] }
  | { readonly kind: 'all'; readonly reason: string };

export class InvalidScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidScopeError';
  }
}

function checkId(id: string): string {
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidScopeError(`not a tenant id: ${JSON.stringify(id)}`);
  return id.toLowerCase();
}

export const Scope = {
  tenant(tenantId: string): TenantScope {
    return { kind: 'tenant', tenantId: checkId(tenantId) };
  },
  tenants(tenantIds: readonly string[]): TenantScope {
    return { kind: 'tenants', tenantIds: [...new Set(tenantIds.map(checkId))] };
  },
  all(reason: string): TenantScope {
    if (!reason.trim()) throw new InvalidScopeError('an all-tenants scope needs a reason');
    return { kind: 'all', reason };
  },
};

export function scopeTenantIds(scope: TenantScope): readonly string[] | 'all' {
  switch (scope.kind) {
    case 'tenant':
      return [scope.tenantId];
    case 'tenants':
      return scope.tenantIds;
    case 'all':
      return 'all';
  }
}

export function scopeIncludes(scope: TenantScope, tenantId: string): boolean {
  const ids = scopeTenantIds(scope);
  return ids === 'all' || ids.includes(tenantId.toLowerCase());
}
