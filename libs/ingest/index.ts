// libs/ingest: the sensor event write path (auth, streaming parse, batch write, outbox) and the
// reconciler that re-enqueues batches detection has not finished.
export * from './ingest.errors';
export * from './body-reader';
export * from './event-batch';
export * from './event-copy-encoder';
export * from './event-body-parser';
export * from './event-parse-pool';
export * from './event-writer';
export * from './event-ingestor';
export * from './batch-outbox';
export * from './batch-reconciler';
export * from './batch-reconciler.processor';
export * from './sensor-key-authenticator';
export * from './load-shedder';
export * from './batch-backlog';
