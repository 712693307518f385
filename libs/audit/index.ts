export * from './audit-chain';
export * from './audit.types';
export * from './audit.resolver';
export * from './audit.module';
