import 'reflect-metadata';
import { WORKER_METADATA } from '@nestjs/bullmq/dist/bull.constants';
import { loadConfig, workerSchema } from '@watchfloor/config';
import { DeliverProcessor } from './deliver.processor';
import { DetectProcessor } from './detect.processor';
import { SlaProcessor } from './sla.processor';
import { WorkerAppModule } from './worker-app.module';

describe('worker lock duration and stalled interval', () => {
  it('default to BullMQ’s 30 s and are validated', () => {
    const config = loadConfig(workerSchema, {});
    expect([config.WORKER_LOCK_DURATION_MS, config.WORKER_STALLED_INTERVAL_MS]).toEqual([30000, 30000]);
    expect(() => loadConfig(workerSchema, { WORKER_STALLED_INTERVAL_MS: '0' })).toThrow(/WORKER_STALLED_INTERVAL_MS must be positive/);
  });

  it('reach the options of the processors of the configured queues, keeping their concurrency', () => {
    WorkerAppModule.forRoot(loadConfig(workerSchema, { WORKER_QUEUES: 'detect,deliver', WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '1500' }));
    expect(Reflect.getMetadata(WORKER_METADATA, DetectProcessor)).toEqual({ concurrency: 4, lockDuration: 4000, stalledInterval: 1500 });
    expect(Reflect.getMetadata(WORKER_METADATA, DeliverProcessor)).toEqual({ concurrency: 8, lockDuration: 4000, stalledInterval: 1500 });
    // sla is not consumed by this worker: untouched.
    expect(Reflect.getMetadata(WORKER_METADATA, SlaProcessor)).toEqual({ concurrency: 4 });
  });
});
