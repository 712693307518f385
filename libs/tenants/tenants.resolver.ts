import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type ApiContext, type Caller, Ctx, CurrentCaller, presentUser, Role, Roles, UserObject, withCallerRead, withCallerScope } from '@watchfloor/auth';
import { TenantDb } from '@watchfloor/tenancy';
import { createTenant, createUser, TENANT_COLUMNS } from './tenant-admin';
import { CreateTenantInput, CreateUserInput, TenantObject } from './tenants.types';

@Resolver()
export class TenantsResolver {
  constructor(private readonly db: TenantDb) {}

  @Query(() => [TenantObject], { description: 'Tenants visible to the caller.' })
  tenants(@Ctx() ctx: ApiContext): Promise<TenantObject[]> {
    // The request's shared read transaction (caller scope): RLS shows only the caller's tenants.
    return withCallerRead(ctx, this.db, (tx) => tx.query<TenantObject>(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY name, id`));
  }

  @Roles(Role.PLATFORM_ADMIN)
  @Mutation(() => TenantObject)
  createTenant(@CurrentCaller() caller: Caller, @Args('input') input: CreateTenantInput): Promise<TenantObject> {
    return withCallerScope(this.db, caller, (tx) => createTenant(tx, caller, input));
  }

  @Roles(Role.PLATFORM_ADMIN)
  @Mutation(() => UserObject)
  async createUser(@CurrentCaller() caller: Caller, @Args('input') input: CreateUserInput): Promise<UserObject> {
    const user = await withCallerScope(this.db, caller, (tx) => createUser(tx, caller, input));
    return presentUser(user, caller);
  }
}
