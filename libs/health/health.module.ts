import { Controller, DynamicModule, Get, Header, Inject, Injectable, Module, type Provider, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from '../telemetry/metrics';

/** A dependency the app needs to serve traffic; returns a problem string or null when fine. */
export type ReadinessCheck = { name: string; check: () => Promise<string | null> };
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Flipped when shutdown begins, so load balancers stop routing before connections close. */
@Injectable()
export class ShutdownState {
  private stopping = false;
  begin(): void {
    this.stopping = true;
  }
  get isStopping(): boolean {
    return this.stopping;
  }
  beforeApplicationShutdown(): void {
    this.begin();
  }
}

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    let ok = !this.shutdown.isStopping;
    if (this.shutdown.isStopping) results.shutdown = 'shutting down';
    await Promise.all(
      this.checks.map(async ({ name, check }) => {
        const problem = await withTimeout(check(), 2000).catch((err: Error) => err.message);
        results[name] = problem ?? 'ok';
        if (problem) ok = false;
      }),
    );
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: results };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

@Module({})
export class HealthModule {
  /** `checks` is a provider (usually useFactory with inject) yielding ReadinessCheck[]. */
  static forRoot(checks: Omit<Provider, 'provide'> & Record<string, unknown>): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [ShutdownState, { ...checks, provide: READINESS_CHECKS } as Provider],
      exports: [ShutdownState],
    };
  }
}
