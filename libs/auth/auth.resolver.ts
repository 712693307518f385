import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthPayloadObject, presentUser, UserObject } from './auth.types';
import type { Caller } from './caller';
import { IdentityService, type IssuedTokens } from './identity.service';
import type { ApiContext } from './request-context';
import { Ctx, CurrentCaller, Public } from './roles.guard';

@Resolver()
export class AuthResolver {
  constructor(private readonly identity: IdentityService) {}

  /** The user comes with the tokens (resolved once, with memberships, by IdentityService): no second read. */
  private payload(tokens: IssuedTokens): AuthPayloadObject {
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, accessTokenExpiresAt: tokens.expiresAt, user: presentUser(tokens.user, null) };
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
