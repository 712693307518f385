import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IngestConfig } from '@watchfloor/config';
import { createHttpApp } from '@watchfloor/health';
import { createLogger } from '@watchfloor/telemetry';
import { IngestAppModule } from './ingest-app.module';

export async function bootstrapIngest(config: IngestConfig, options: { shutdownHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const logger = createLogger('watchfloor-ingest', config.LOG_LEVEL);
  const app = await createHttpApp(IngestAppModule.forRoot(config), {
    service: 'watchfloor-ingest',
    logger,
    bodyLimit: config.INGEST_MAX_BODY_BYTES,
    shutdownHooks: options.shutdownHooks,
  });
  await app.listen({ port: config.INGEST_PORT, host: '0.0.0.0' });
  logger.info({ port: config.INGEST_PORT }, 'ingest listening');
  return app;
}
