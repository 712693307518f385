import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ALL_MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from './entities';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** The owner connection: runs migrations and hands scoped transactions to libs/tenancy. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? 'watchfloor',
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  });
}

export async function withDataSource<T>(options: DataSourceOptions, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = createDataSource(options);
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}
