import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { REDIS, type RedisClient } from '@watchfloor/queue';
import { TenantDb } from '@watchfloor/tenancy';
import { AuthResolver } from './auth.resolver';
import { IdentityService, type IdentityOptions } from './identity.service';
import { RolesGuard } from './roles.guard';

@Global()
@Module({})
export class AuthModule {
  static forRoot(options: IdentityOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: IdentityService, useFactory: (db: TenantDb, redis: RedisClient) => new IdentityService(db, redis, options), inject: [TenantDb, REDIS] },
        { provide: APP_GUARD, useClass: RolesGuard },
        AuthResolver,
      ],
      exports: [IdentityService],
    };
  }
}
