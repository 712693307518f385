import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ApiConfig } from '@watchfloor/config';
import { createHttpApp } from '@watchfloor/health';
import { createLogger } from '@watchfloor/telemetry';
import { ApiAppModule, type ApiModuleOptions } from './api-app.module';

export async function bootstrapApi(
  config: ApiConfig,
  options: { shutdownHooks?: boolean } & ApiModuleOptions = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger('watchfloor-api', config.LOG_LEVEL);
  const app = await createHttpApp(ApiAppModule.forRoot(config, { ...options, logger }), { service: 'watchfloor-api', logger, shutdownHooks: options.shutdownHooks });
  await app.listen({ port: config.API_PORT, host: '0.0.0.0' });
  logger.info({ port: config.API_PORT }, 'api listening');
  return app;
}
