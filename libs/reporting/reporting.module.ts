import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type ConnectionOptions, Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, type ReportJobData } from '@watchfloor/queue';
import { ReportDownloadController } from './report-download.controller';
import {
  DEFAULT_CUSTOMER_REPORT_LIMIT, DEFAULT_CUSTOMER_REPORT_WINDOW_SECONDS, REPORTING_OPTIONS, REPORTS_QUEUE, type ReportingApiOptions, ReportingResolver,
} from './reporting.resolver';

export interface ReportingModuleOptions {
  /** The app's BullMQ connection (queueConnection from libs/queue). */
  queueConnection: ConnectionOptions;
  /** BullMQ prefix of the `reports` queue (QUEUE_PREFIX; tests use their own). */
  queuePrefix: string;
  /** Redis key prefix for the customers' rate-limit counters. */
  keyPrefix: string;
  customerLimit?: number;
  customerWindowSeconds?: number;
}

@Injectable()
class ReportsQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(REPORTS_QUEUE) private readonly queue: Queue<ReportJobData>) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

/** The API side of reports: tenantSummary, reports, report, generateReport and the download route. */
@Module({})
export class ReportingModule {
  static forRoot(options: ReportingModuleOptions): DynamicModule {
    const api: ReportingApiOptions = {
      keyPrefix: options.keyPrefix,
      customerLimit: options.customerLimit ?? DEFAULT_CUSTOMER_REPORT_LIMIT,
      customerWindowSeconds: options.customerWindowSeconds ?? DEFAULT_CUSTOMER_REPORT_WINDOW_SECONDS,
    };
    return {
      module: ReportingModule,
      controllers: [ReportDownloadController],
      providers: [
        { provide: REPORTING_OPTIONS, useValue: api },
        {
          provide: REPORTS_QUEUE,
          useFactory: () => new Queue<ReportJobData>('reports', { connection: options.queueConnection, prefix: options.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
        },
        ReportsQueueCloser,
        ReportingResolver,
      ],
    };
  }
}
