export * from './inventory.types';
export * from './inventory-store';
export * from './inventory-loaders';
export * from './inventory.resolver';
export * from './inventory.module';
