import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { WorkerConfig } from '@watchfloor/config';
import { createHttpApp } from '@watchfloor/health';
import { createLogger } from '@watchfloor/telemetry';
import { WorkerAppModule } from './worker-app.module';

/** The worker serves only health and metrics over HTTP; its work arrives through BullMQ. */
export async function bootstrapWorker(config: WorkerConfig, options: { shutdownHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const logger = createLogger('watchfloor-worker', config.LOG_LEVEL);
  const app = await createHttpApp(WorkerAppModule.forRoot(config), { service: 'watchfloor-worker', logger, shutdownHooks: options.shutdownHooks });
  await app.listen({ port: config.WORKER_PORT, host: '0.0.0.0' });
  logger.info({ port: config.WORKER_PORT, queues: config.WORKER_QUEUES }, 'worker running');
  return app;
}
