export * from './event.types';
export * from './event-search';
export * from './event.resolver';
export * from './event-search.module';
