export * from './tenant-scope';
export * from './tenant-db';
