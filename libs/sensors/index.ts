export * from './api-keys';
export * from './sensor-registry';
