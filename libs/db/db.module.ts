import { DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TenantDb } from '../tenancy/tenant-db';
import { createDataSource } from './data-source';
import { pendingMigrations } from './migrate';
import { gauge } from '../telemetry/metrics';

export const OWNER_DATA_SOURCE = Symbol('OWNER_DATA_SOURCE');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(OWNER_DATA_SOURCE) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * Provides TenantDb (the scoped door to tenant data) to the app. The raw DataSource is exported
 * only under OWNER_DATA_SOURCE for readiness (pending migrations), not for data access.
 */
@Global()
@Module({})
export class DbModule {
  static forRoot(options: { url: string; poolSize: number; applicationName: string }): DynamicModule {
    return {
      module: DbModule,
      providers: [
        {
          provide: OWNER_DATA_SOURCE,
          useFactory: async () => {
            const ds = createDataSource(options);
            await ds.initialize();
            registerPoolMetrics(ds, options.applicationName);
            return ds;
          },
        },
        { provide: TenantDb, useFactory: (ds: DataSource) => new TenantDb(ds), inject: [OWNER_DATA_SOURCE] },
        DataSourceCloser,
      ],
      exports: [TenantDb, OWNER_DATA_SOURCE],
    };
  }
}

export async function databaseReadiness(ds: DataSource): Promise<string | null> {
  await ds.query('SELECT 1');
  const pending = await pendingMigrations(ds);
  return pending.length ? `pending migrations: ${pending.join(', ')}` : null;
}

/** Pool saturation for /metrics: connections in use, idle and callers waiting for one, per app. */
const pools = new Map<string, DataSource>();
export function registerPoolMetrics(ds: DataSource, app: string): void {
  pools.set(app, ds);
  const metric = gauge('watchfloor_db_pool_connections', 'Database pool connections by app and state', ['app', 'state']);
  Object.assign(metric, {
    collect(this: typeof metric) {
      for (const [name, source] of pools) {
        const p = (source.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
        if (!p) continue;
        this.set({ app: name, state: 'total' }, p.totalCount);
        this.set({ app: name, state: 'idle' }, p.idleCount);
        this.set({ app: name, state: 'waiting' }, p.waitingCount);
      }
    },
  });
}
