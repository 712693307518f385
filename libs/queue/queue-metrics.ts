import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { gauge, histogram, counter } from '../telemetry/metrics';
import { QUEUE_NAMES } from './queues';

const depth = gauge('watchfloor_queue_jobs', 'Jobs per queue and state (waiting, active, delayed, failed)', ['queue', 'state']);
const duration = histogram('watchfloor_job_duration_seconds', 'Job processing time per queue and outcome', ['queue', 'outcome'], [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
const finished = counter('watchfloor_jobs_total', 'Jobs finished per queue and outcome', ['queue', 'outcome']);

/**
 * Queue depth for every registered queue (read when Prometheus scrapes) and the duration of every
 * job a processor of this process finishes, without touching the processors themselves.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  private readonly queues: Queue[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of QUEUE_NAMES) {
      try {
        this.queues.push(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
      } catch {
        // Not registered in this app.
      }
    }
    const queues = this.queues;
    Object.assign(depth, {
      async collect(this: typeof depth) {
        await Promise.all(
          queues.map(async (q) => {
            const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized').catch(() => null);
            if (!counts) return;
            for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
          }),
        );
      },
    });
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as unknown;
      if (!(instance instanceof WorkerHost)) continue;
      const worker = (instance as WorkerHost).worker;
      if (!worker) continue;
      const observe = (job: Job | undefined, outcome: 'completed' | 'failed') => {
        if (!job?.processedOn) return;
        const seconds = ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
        duration.observe({ queue: worker.name, outcome }, seconds);
        finished.inc({ queue: worker.name, outcome });
      };
      worker.on('completed', (job) => observe(job, 'completed'));
      worker.on('failed', (job) => observe(job, 'failed'));
    }
  }
}

@Module({ imports: [DiscoveryModule], providers: [QueueMetrics] })
export class QueueMetricsModule {}
