export * from './json.scalar';
