import type { WorkerConfig } from '@watchfloor/config';

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
export type { WorkerConfig };
