export * from './data-source';
export * from './migrate';
export * from './entities';
export * from './db.module';
export * from './event-partitions';
export * from './pg-copy-in';
