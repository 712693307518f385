// GraphQL latency for /metrics: every HTTP operation, by type (query, mutation) and outcome.
// Operation names are left out on purpose: clients choose them, and labels must stay bounded.
import { histogram } from '@watchfloor/telemetry';

const operationSeconds = histogram(
  'watchfloor_graphql_request_seconds',
  'GraphQL operations over HTTP, from request to response, by operation type and outcome (ok, error)',
  ['operation', 'outcome'],
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

export const graphqlMetricsPlugin = {
  async requestDidStart() {
    const started = process.hrtime.bigint();
    return {
      async willSendResponse(rc: { operation?: { operation?: string } | null; errors?: ReadonlyArray<unknown> }) {
        const type = rc.operation?.operation;
        operationSeconds.observe(
          { operation: type && OPERATION_TYPES.has(type) ? type : 'invalid', outcome: rc.errors?.length ? 'error' : 'ok' },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      },
    };
  },
};
