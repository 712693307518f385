export * from './queues';
export * from './redis.module';
export * from './queue-metrics';
