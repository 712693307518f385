// POST /v1/events as a raw Fastify route in its own encapsulated scope: no body parser runs, the
// handler reads the request stream itself (streaming parse, decompression limits, early answers).
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestConfig } from '@watchfloor/config';
import {
  discardRest,
  errorBody,
  EventIngestor,
  httpStatusOf,
  IngestError,
  isUnavailableError,
  LoadShedder,
  parseIngestFormat,
  SensorKeyAuthenticator,
} from '@watchfloor/ingest';
import { ShutdownState } from '@watchfloor/health';
import { BoundedLabel, counter, createLogger, gauge, histogram, setSpanAttributes } from '@watchfloor/telemetry';
import { INGEST_CONFIG } from './ingest-providers';

const eventsTotal = counter('watchfloor_ingest_events_total', 'Events received by ingest, by tenant, format and outcome', ['tenant', 'format', 'outcome']);
const batchEvents = histogram('watchfloor_ingest_batch_events', 'Records per accepted batch (accepted + duplicates + rejected)', [], [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000]);
const requestsTotal = counter('watchfloor_ingest_requests_total', 'POST /v1/events requests by status', ['status']);
const batchSeconds = histogram('watchfloor_ingest_batch_seconds', 'Time from request to commit of a batch', [], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
const inFlightGauge = gauge('watchfloor_ingest_batches_in_flight', 'Batches being read or written');

export async function registerEventsRoute(app: NestFastifyApplication): Promise<void> {
  const config = app.get<IngestConfig>(INGEST_CONFIG);
  const ingestor = app.get(EventIngestor);
  const authenticator = app.get(SensorKeyAuthenticator);
  const shedder = app.get(LoadShedder);
  const shutdown = app.get(ShutdownState);
  const log = createLogger('watchfloor-ingest', config.LOG_LEVEL);
  const tenants = new BoundedLabel();

  const fail = (request: FastifyRequest, reply: FastifyReply, err: IngestError): FastifyReply => {
    discardRest(request.raw, config.INGEST_MAX_BODY_BYTES);
    const status = httpStatusOf(err.code);
    requestsTotal.inc({ status: String(status) });
    if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(status).type('application/json').send(errorBody(err));
  };

  const plugin = async (scope: FastifyInstance): Promise<void> => {
    // The body stays an unread stream; events.route reads it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    // Fastify's own refusals (e.g. an empty Content-Type) in the same JSON shape as ours.
    scope.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
      const status = err.statusCode ?? 500;
      const code = status === 415 ? 'unsupported_media_type' : status === 413 ? 'body_too_large' : status >= 400 && status < 500 ? 'invalid_body' : 'internal';
      if (code === 'internal') log.error({ err, reqId: request.id }, 'ingest request failed');
      return fail(request, reply, new IngestError(code, code === 'internal' ? 'internal error' : String(err.message ?? 'bad request').slice(0, 200)));
    });

    scope.post('/v1/events', async (request, reply) => {
      const receivedAt = new Date();
      try {
        const principal = await authenticator.authenticate(request.headers.authorization);
        if (!principal) throw new IngestError('unauthorized', 'a valid sensor API key is required (Authorization: Bearer wfk_...)');
        // On the HTTP server span: which tenant and sensor (never the key itself).
        setSpanAttributes({ 'tenant.id': principal.tenantId, 'sensor.id': principal.sensorId });
        const format = parseIngestFormat((request.query as Record<string, unknown> | undefined)?.format);
        const lengthHeader = request.headers['content-length'];
        const contentLength = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
        const head = { contentType: request.headers['content-type'], contentEncoding: request.headers['content-encoding'] as string | undefined, contentLength };
        ingestor.precheck(head);
        await shedder.admit();
        inFlightGauge.inc();
        const end = batchSeconds.startTimer();
        try {
          const result = await shedder.run(() => ingestor.ingest({ principal, format, ...head, body: request.raw, receivedAt }));
          const tenant = tenants.of(principal.tenantId);
          // The declared ?format=, or the sensor's kind when the format was detected per record.
          const formatLabel = format === 'auto' ? `auto:${principal.sensorKind.toLowerCase()}` : format;
          eventsTotal.inc({ tenant, format: formatLabel, outcome: 'accepted' }, result.accepted);
          eventsTotal.inc({ tenant, format: formatLabel, outcome: 'duplicate' }, result.duplicates);
          eventsTotal.inc({ tenant, format: formatLabel, outcome: 'rejected' }, result.rejectedCount);
          batchEvents.observe(result.accepted + result.duplicates + result.rejectedCount);
          setSpanAttributes({ 'batch.id': result.batchId, 'batch.accepted': result.accepted });
          requestsTotal.inc({ status: '202' });
          // traceId joins from the logger's mixin: the same trace the detect job continues.
          log.info({ reqId: request.id, tenantId: principal.tenantId, sensorId: principal.sensorId, batchId: result.batchId, accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejectedCount }, 'batch accepted');
          // Finished during shutdown: do not keep the connection alive (close waits for idle sockets).
          if (shutdown.isStopping) reply.header('connection', 'close');
          return reply.code(202).send(result);
        } finally {
          end();
          inFlightGauge.dec();
        }
      } catch (err) {
        if (err instanceof IngestError) return fail(request, reply, err);
        if (request.raw.destroyed && !request.raw.complete) {
          // The client went away mid-body: nothing was written, and there is no one to answer.
          requestsTotal.inc({ status: 'aborted' });
          log.info({ reqId: request.id }, 'client aborted the upload; nothing stored');
          return reply;
        }
        if (isUnavailableError(err)) {
          log.warn({ err, reqId: request.id }, 'database unavailable');
          return fail(request, reply, new IngestError('unavailable', 'the event store is unavailable; nothing was committed, retry later', {}, 5));
        }
        log.error({ err, reqId: request.id }, 'ingest failed');
        return fail(request, reply, new IngestError('internal', 'the batch could not be stored; nothing was committed, retry it'));
      }
    });
  };
  // platform-fastify bundles its own copy of fastify's types; the plugin is the same at runtime.
  await app.register(plugin as never);
}
