import * as entityClasses from './entity-classes';

export * from './entity-classes';

/** One entity per table of the migrations (partitions of `events` excluded): every class of entity-classes.ts. */
export const ALL_ENTITIES = Object.values(entityClasses);

