export * from './queues';
export * from './redis.module';
export * from './queue-metrics';
export * from './redis-connection';
export * from './incident-changes';
