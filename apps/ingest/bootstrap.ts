import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IngestConfig } from '@watchfloor/config';
import { createHttpApp } from '@watchfloor/health';
import { createLogger } from '@watchfloor/telemetry';
import { registerEventsRoute } from './events.route';
import { IngestAppModule } from './ingest-app.module';

export async function bootstrapIngest(config: IngestConfig, options: { shutdownHooks?: boolean; host?: string } = {}): Promise<NestFastifyApplication> {
  const logger = createLogger('watchfloor-ingest', config.LOG_LEVEL);
  const app = await createHttpApp(IngestAppModule.forRoot(config), {
    service: 'watchfloor-ingest',
    logger,
    bodyLimit: config.INGEST_MAX_BODY_BYTES,
    shutdownHooks: options.shutdownHooks,
  });
  await registerEventsRoute(app);
  await app.listen({ port: config.INGEST_PORT, host: options.host ?? '0.0.0.0' });
  logger.info({ port: listeningPort(app) }, 'ingest listening');
  return app;
}

/** The port actually bound (INGEST_PORT 0 in tests picks a free one). */
export function listeningPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : 0;
}
