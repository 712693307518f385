export * from './health.module';
export * from './http-app';
