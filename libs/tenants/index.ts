export * from './tenants.types';
export * from './tenant-admin';
export * from './tenants.resolver';
export * from './tenants.module';
