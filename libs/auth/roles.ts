/** The five roles of ARCHITECTURE.md. */
export enum Role {
  PLATFORM_ADMIN = 'PLATFORM_ADMIN',
  SOC_LEAD = 'SOC_LEAD',
  SOC_ANALYST = 'SOC_ANALYST',
  CUSTOMER_ADMIN = 'CUSTOMER_ADMIN',
  CUSTOMER_VIEWER = 'CUSTOMER_VIEWER',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
export const SOC_ROLES: readonly Role[] = [Role.PLATFORM_ADMIN, Role.SOC_LEAD, Role.SOC_ANALYST];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}

export function isCustomerRole(role: Role): boolean {
  return role === Role.CUSTOMER_ADMIN || role === Role.CUSTOMER_VIEWER;
}
