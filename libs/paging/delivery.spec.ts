import fc from 'fast-check';
import { circuitAllows, circuitOnResult, circuitStatus, CLOSED_CIRCUIT, CircuitOptions } from './circuit-breaker';
import { classifyDeliveryOutcome, nextRetryDelayMs, parseRetryAfter } from './delivery-retry';

const now = new Date('2026-01-14T10:00:00Z');

describe('classifyDeliveryOutcome', () => {
  it.each([
    [{ statusCode: 200 }, 'delivered'],
    [{ statusCode: 202 }, 'delivered'],
    [{ statusCode: 204 }, 'delivered'],
    [{ networkError: true }, 'retry'],
    [{ timedOut: true }, 'retry'],
    [{ statusCode: 200, timedOut: true }, 'retry'],
    [{}, 'retry'],
    [{ statusCode: 408 }, 'retry'],
    [{ statusCode: 429 }, 'retry'],
    [{ statusCode: 500 }, 'retry'],
    [{ statusCode: 502 }, 'retry'],
    [{ statusCode: 503 }, 'retry'],
    [{ statusCode: 599 }, 'retry'],
    [{ statusCode: 410 }, 'gone'],
    [{ statusCode: 400 }, 'fail'],
    [{ statusCode: 401 }, 'fail'],
    [{ statusCode: 403 }, 'fail'],
    [{ statusCode: 404 }, 'fail'],
    [{ statusCode: 413 }, 'fail'],
    [{ statusCode: 301 }, 'fail'],
    [{ statusCode: 302 }, 'fail'],
    [{ statusCode: 100 }, 'fail'],
    [{ statusCode: 700 }, 'fail'],
  ])('%j → %s', (result, outcome) => {
    expect(classifyDeliveryOutcome(result)).toBe(outcome);
  });

  it('never retries a 4xx other than 408 and 429', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 499 }), (status) => {
        const outcome = classifyDeliveryOutcome({ statusCode: status });
        expect(outcome === 'retry').toBe(status === 408 || status === 429);
      }),
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 14 Jan 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wednesday, 14-Jan-26 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 14 Jan 2026 09:00:00 GMT', now)).toBe(0); // in the past
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('2026-01-14', now)).toBeNull();
  });
});

describe('nextRetryDelayMs', () => {
  const base = { baseMs: 1000, maxMs: 60_000, now };

  it('full jitter: uniform in [0, base·2^(attempt−1)], capped at max', () => {
    expect(nextRetryDelayMs(1, { ...base, random: () => 0.999999 })).toBe(1000);
    expect(nextRetryDelayMs(3, { ...base, random: () => 0.5 })).toBe(2000);
    expect(nextRetryDelayMs(4, { ...base, random: () => 0 })).toBe(0);
    expect(nextRetryDelayMs(20, { ...base, random: () => 0.5 })).toBe(30_000);
    expect(nextRetryDelayMs(5000, { ...base, random: () => 1 })).toBe(60_000);
  });

  it('decorrelated jitter: uniform in [base, 3·previous], capped', () => {
    expect(nextRetryDelayMs(2, { ...base, jitter: 'decorrelated', previousDelayMs: 4000, random: () => 0 })).toBe(1000);
    expect(nextRetryDelayMs(2, { ...base, jitter: 'decorrelated', previousDelayMs: 4000, random: () => 1 })).toBe(12_000);
    expect(nextRetryDelayMs(9, { ...base, jitter: 'decorrelated', previousDelayMs: 50_000, random: () => 1 })).toBe(60_000);
    expect(nextRetryDelayMs(1, { ...base, jitter: 'decorrelated', random: () => 1 })).toBe(3000);
  });

  it('waits at least as long as Retry-After says, but never longer than max', () => {
    expect(nextRetryDelayMs(1, { ...base, random: () => 0.1, retryAfterHeader: '30' })).toBe(30_000);
    expect(nextRetryDelayMs(1, { ...base, random: () => 0.1, retryAfterHeader: 'Wed, 14 Jan 2026 10:00:45 GMT' })).toBe(45_000);
    expect(nextRetryDelayMs(1, { ...base, random: () => 0.1, retryAfterHeader: '3600' })).toBe(60_000);
    expect(nextRetryDelayMs(6, { ...base, random: () => 1, retryAfterHeader: '1' })).toBe(32_000); // backoff already longer
    expect(nextRetryDelayMs(1, { ...base, random: () => 0.5, retryAfterHeader: 'garbage' })).toBe(500);
  });

  it('stays within [0, max] for any attempt and random value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom<'full' | 'decorrelated'>('full', 'decorrelated'), (attempt, r, jitter) => {
        const d = nextRetryDelayMs(attempt, { ...base, jitter, previousDelayMs: 5000, random: () => r });
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(60_000);
        expect(Number.isInteger(d)).toBe(true);
      }),
    );
  });
});

describe('circuit breaker', () => {
  const opts: CircuitOptions = { failureThreshold: 3, cooldownMs: 60_000 };
  const t = (s: number) => new Date(now.getTime() + s * 1000);

  it('opens after N consecutive failures, goes half-open after the cooldown, closes on success', () => {
    let s = CLOSED_CIRCUIT;
    s = circuitOnResult(s, 'retry', t(0), opts);
    s = circuitOnResult(s, 'retry', t(1), opts);
    expect(circuitStatus(s, t(2))).toBe('closed');
    expect(circuitAllows(s, t(2))).toBe(true);
    s = circuitOnResult(s, 'retry', t(2), opts);
    expect(circuitStatus(s, t(2))).toBe('open');
    expect(circuitAllows(s, t(61))).toBe(false);
    expect(circuitAllows(s, t(62))).toBe(true);
    expect(circuitStatus(s, t(62))).toBe('half_open');
    s = circuitOnResult(s, 'delivered', t(63), opts);
    expect(s).toEqual(CLOSED_CIRCUIT);
  });

  it('a success in between resets the count', () => {
    let s = CLOSED_CIRCUIT;
    for (const outcome of ['retry', 'retry', 'delivered', 'retry', 'retry'] as const) s = circuitOnResult(s, outcome, now, opts);
    expect(circuitStatus(s, now)).toBe('closed');
    expect(s.consecutiveFailures).toBe(2);
  });

  it('a 4xx answer counts as reachable; only retryable outcomes count as failures', () => {
    let s = CLOSED_CIRCUIT;
    for (const outcome of ['retry', 'retry', 'fail', 'retry', 'retry'] as const) s = circuitOnResult(s, outcome, now, opts);
    expect(circuitStatus(s, now)).toBe('closed');
  });

  it('a failed trial in half-open reopens at once, with a growing cooldown when allowed', () => {
    const growing = { ...opts, maxCooldownMs: 200_000 };
    let s = CLOSED_CIRCUIT;
    for (let i = 0; i < 3; i++) s = circuitOnResult(s, 'retry', t(0), growing);
    expect(s.openUntil).toBe(t(60).getTime());
    s = circuitOnResult(s, 'retry', t(60), growing); // half-open trial fails
    expect(circuitStatus(s, t(60))).toBe('open');
    expect(s.openUntil).toBe(t(180).getTime());
    s = circuitOnResult(s, 'retry', t(180), growing);
    expect(s.openUntil).toBe(t(380).getTime()); // 240 s capped at 200 s
    s = circuitOnResult(s, 'delivered', t(400), growing);
    expect(circuitStatus(s, t(400))).toBe('closed');
  });

  it('a late failure reported while open does not extend the cooldown', () => {
    let s = CLOSED_CIRCUIT;
    for (let i = 0; i < 3; i++) s = circuitOnResult(s, 'retry', t(0), opts);
    const until = s.openUntil;
    s = circuitOnResult(s, 'retry', t(30), opts);
    expect(s.openUntil).toBe(until);
  });

  it('matches a reference model on random outcome sequences (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 90 })), { maxLength: 40 }), (steps) => {
        let s = CLOSED_CIRCUIT;
        let clock = now.getTime();
        let failures = 0;
        let openUntil: number | null = null;
        for (const [ok, gap] of steps) {
          clock += gap * 1000;
          const at = new Date(clock);
          const open = openUntil !== null && clock < openUntil;
          expect(circuitAllows(s, at)).toBe(!open);
          if (open) continue; // a caller would not send
          s = circuitOnResult(s, ok ? 'delivered' : 'retry', at, opts);
          if (ok) {
            failures = 0;
            openUntil = null;
          } else {
            failures += 1;
            if (openUntil !== null || failures >= 3) openUntil = clock + 60_000;
          }
        }
      }),
    );
  });
});
