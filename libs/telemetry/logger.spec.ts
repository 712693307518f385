import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { createLogger } from './logger';

/** Synchronous context for the test (the SDK's async-hooks manager does this across awaits). */
class StackContextManager implements ContextManager {
  private stack: Context[] = [ROOT_CONTEXT];
  active(): Context {
    return this.stack[this.stack.length - 1];
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.stack = [ROOT_CONTEXT];
    return this;
  }
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger('unit', 'info', stream as never) };
}

const API_KEY = 'wfk_0123456789ab_c2VjcmV0LXBhcnQtb2YtdGhlLWtleS0wMTIzNDU2Nzg5';
const WEBHOOK_SECRET = 'whsec_c2VjcmV0LXdlYmhvb2sta2V5LTAxMjM0NTY3ODk=';

describe('createLogger', () => {
  it('redacts credentials at the top level, one level down and in request headers, and keeps the rest', () => {
    const { lines, log } = capture();
    log.info(
      {
        tenantId: 't-1',
        reqId: 'r-1',
        password: 'hunter2hunter2',
        headers: { authorization: `Bearer ${API_KEY}`, cookie: 'session=abc', 'content-type': 'application/json' },
        req: { headers: { authorization: `Bearer ${API_KEY}`, cookie: 'session=abc' }, url: '/v1/events' },
        endpoint: { id: 'e-1', url: 'https://hooks.example.com/x', secret: WEBHOOK_SECRET, secretCiphertext: 'v1:sealed', routingKey: 'R0UT1NGKEY' },
        config: { DATABASE_URL: 'postgres://app:pw@db/wf', REDIS_URL: 'redis://:pw@redis', WATCHFLOOR_SECRET_KEY: 'k'.repeat(32), LOG_LEVEL: 'info' },
        user: { email: 'a@b.example', passwordHash: '$argon2id$...' },
        apiKey: API_KEY,
        webhookSecret: WEBHOOK_SECRET,
        refreshToken: 'rt-123',
        nested: { accessToken: 'at-123', authorization: `Bearer ${API_KEY}` },
      },
      'something happened',
    );
    expect(lines).toHaveLength(1);
    const [line] = lines;
    const text = JSON.stringify(line);
    for (const secret of [API_KEY, WEBHOOK_SECRET, 'hunter2hunter2', 'session=abc', 'v1:sealed', 'R0UT1NGKEY', 'postgres://', 'redis://', 'k'.repeat(32), '$argon2id$', 'rt-123', 'at-123']) {
      expect({ secret, leaked: text.includes(secret) }).toEqual({ secret, leaked: false });
    }
    expect(line).toMatchObject({
      service: 'unit',
      tenantId: 't-1',
      reqId: 'r-1',
      msg: 'something happened',
      password: '[redacted]',
      headers: { authorization: '[redacted]', 'content-type': 'application/json' },
      req: { url: '/v1/events' },
      endpoint: { id: 'e-1', url: 'https://hooks.example.com/x', secret: '[redacted]' },
      config: { LOG_LEVEL: 'info', DATABASE_URL: '[redacted]' },
      user: { email: 'a@b.example' },
    });
  });

  it('adds the trace id of the active span, and none outside a span', () => {
    const manager = new StackContextManager();
    context.setGlobalContextManager(manager);
    try {
      const { lines, log } = capture();
      const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
      context.with(trace.setSpan(context.active(), span), () => log.info({ tenantId: 't-1' }, 'inside'));
      log.info('outside');
      expect(lines[0]).toMatchObject({ msg: 'inside', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', tenantId: 't-1' });
      expect(lines[1].msg).toBe('outside');
      expect(lines[1]).not.toHaveProperty('traceId');
    } finally {
      context.disable();
    }
  });
});
