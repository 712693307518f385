import crypto from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { collectProcessMetrics } from '../telemetry/metrics';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  bodyLimit?: number;
  /** Register SIGTERM/SIGINT handlers (false in the all-in-one dev process, which handles them itself). */
  shutdownHooks?: boolean;
}

/** A NestJS application on Fastify, with Nest's logs routed through pino. */
export async function createHttpApp(module: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  collectProcessMetrics(options.service);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // In-flight requests finish on close; new ones get 503 while closing.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 128 ? req.headers['x-request-id'] : crypto.randomUUID()),
  });
  const log = options.logger;
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: {
      log: (m: unknown) => log.debug({ nest: true }, String(m)),
      error: (m: unknown, trace?: unknown) => log.error({ nest: true, trace }, String(m)),
      warn: (m: unknown) => log.warn({ nest: true }, String(m)),
      debug: (m: unknown) => log.trace({ nest: true }, String(m)),
      verbose: (m: unknown) => log.trace({ nest: true }, String(m)),
      fatal: (m: unknown) => log.fatal({ nest: true }, String(m)),
    },
    bufferLogs: false,
  });
  if (options.shutdownHooks !== false) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}
