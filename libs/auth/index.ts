export * from './passwords';
export * from './bootstrap-admin';
