import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError, DomainErrorCode, forbidden } from '@watchfloor/errors';
import type { Caller } from './caller';
import type { ApiContext } from './request-context';
import type { Role } from './roles';

const ROLES_KEY = 'watchfloor:roles';
const PUBLIC_KEY = 'watchfloor:public';

/** Only these roles may call the operation (others get FORBIDDEN). Without it: any signed-in user. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No sign-in needed (login, refresh). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export function apiContextOf(context: ExecutionContext): ApiContext {
  return GqlExecutionContext.create(context).getContext<ApiContext>();
}

export function requireCaller(ctx: ApiContext): Caller {
  if (ctx.authError) throw ctx.authError;
  if (!ctx.caller) throw new DomainError(DomainErrorCode.NotAuthenticated, 'sign in first: send Authorization: Bearer <access token>');
  return ctx.caller;
}

/** Applied to every resolver operation (APP_GUARD); field resolvers are not guarded (Nest default). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'graphql') return true;
    const ctx = apiContextOf(context);
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic) {
      if (ctx.authError) throw ctx.authError;
      return true;
    }
    const caller = requireCaller(ctx);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && !roles.includes(caller.role)) throw forbidden(`${caller.role} may not do this`);
    return true;
  }
}

/** The signed-in caller (the guard has already required one). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => requireCaller(apiContextOf(context)));
/** The whole request context (loaders, request id). */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): ApiContext => apiContextOf(context));
