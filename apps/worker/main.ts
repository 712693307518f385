import 'reflect-metadata';
import { loadConfigOrExit, workerChecks, workerSchema } from '@watchfloor/config';
import { parseQueueList } from '@watchfloor/queue';
import { bootstrapWorker } from './bootstrap';

const config = loadConfigOrExit('watchfloor-worker', workerSchema, (c) => {
  const problems = workerChecks(c);
  try {
    parseQueueList(c.WORKER_QUEUES);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
});
bootstrapWorker(config).catch((err) => {
  process.stderr.write(`watchfloor-worker: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
