import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scope, TenantDb } from '@watchfloor/tenancy';
import { notFound } from '@watchfloor/errors';
import { AuthPayloadObject, presentUser, UserObject, type UserRecord } from './auth.types';
import type { Caller } from './caller';
import { IdentityService, type IssuedTokens } from './identity.service';
import type { ApiContext } from './request-context';
import { Ctx, CurrentCaller, Public } from './roles.guard';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly identity: IdentityService,
    private readonly db: TenantDb,
  ) {}

  private async payload(tokens: IssuedTokens): Promise<AuthPayloadObject> {
    // The signed-in user's own record: memberships are read in the all scope, restricted to them.
    const [user] = await this.db.withScope(Scope.all('sign-in payload'), (tx) =>
      tx.query<UserRecord>(
        `SELECT u.id, u.email, u.display_name AS "displayName", u.role,
                coalesce((SELECT array_agg(m.tenant_id::text ORDER BY m.tenant_id) FROM memberships m WHERE m.user_id = u.id), '{}') AS "tenantIds"
         FROM users u WHERE u.id = $1`,
        [tokens.userId],
      ),
    );
    if (!user) throw notFound('user');
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, accessTokenExpiresAt: tokens.expiresAt, user: presentUser(user, null) };
  }

  @Public()
  @Mutation(() => AuthPayloadObject, { description: 'Email and password sign-in; 5 failures lock the account for 15 minutes.' })
  async login(@Args('email') email: string, @Args('password') password: string, @Ctx() ctx: ApiContext): Promise<AuthPayloadObject> {
    return this.payload(await this.identity.login(email, password, ctx.ip));
  }

  @Public()
  @Mutation(() => AuthPayloadObject, { description: 'Exchanges a refresh token for new tokens; each refresh token works once.' })
  async refreshToken(@Args('refreshToken') refreshToken: string, @Ctx() ctx: ApiContext): Promise<AuthPayloadObject> {
    return this.payload(await this.identity.refresh(refreshToken));
  }

  @Query(() => UserObject, { description: 'The signed-in user.' })
  me(@CurrentCaller() caller: Caller): UserObject {
    return presentUser({ id: caller.userId, email: caller.email, displayName: caller.displayName, role: caller.role, tenantIds: [...caller.tenantIds] }, caller);
  }
}
