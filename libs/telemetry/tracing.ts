import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before the libraries it patches are loaded (instrument.ts is required
 * first). Configured by the standard OTEL_* variables; OTEL_SDK_DISABLED=true turns it off.
 * Without an OTLP endpoint nothing is exported (spans are still created for log correlation).
 */
export function startTracing(serviceName: string, options: { exporter?: SpanExporter; simple?: boolean } = {}): NodeSDK | undefined {
  if (sdk) return sdk;
  if ((process.env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return undefined;
  const exporter =
    options.exporter ??
    (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? new OTLPTraceExporter() : undefined);
  // Without an exporter a no-op processor still makes the SDK register its tracer provider: spans
  // (and trace ids for the logs, and the context jobs carry) exist, nothing leaves the process.
  // With no processor at all the SDK registers none and every trace id would be empty.
  const spanProcessors: SpanProcessor[] = exporter ? [options.simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)] : [new NoopSpanProcessor()];
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? '') }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ dbStatementSerializer: (cmd) => cmd }),
      new GraphQLInstrumentation({ allowValues: false, mergeItems: true }),
    ],
  });
  sdk.start();
  return sdk;
}

export async function stopTracing(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown().catch(() => undefined);
}
