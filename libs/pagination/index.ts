export * from './relay-connection';
