// Several workers, arrival order and retries: alerts must equal those of one worker reading the
// stream in time order, raised exactly once.
import fc from 'fast-check';
import { createCorrelationEngine, type CorrelationEngine } from './correlation-engine';
import type { CorrelationAlert, CorrelationMatch } from './correlation.types';
import { LATER, compiled, match, redisTestContext } from './correlation-test-support';

const ctx = redisTestContext();
afterAll(() => ctx.cleanup());
const redisA = ctx.connect();
const redisB = ctx.connect();

const window = { 'group-by': ['User'], timespan: '10s' };
const correlations = [
  compiled({ title: 'count', id: 'ec', correlation: { type: 'event_count', rules: ['r1', 'r2'], ...window, condition: { gte: 3 } } }),
  compiled({ title: 'distinct', id: 'vc', correlation: { type: 'value_count', rules: ['r1'], ...window, condition: { field: 'V', gte: 2 } } }),
  compiled({ title: 'all three', id: 'tp', correlation: { type: 'temporal', rules: ['r1', 'r2', 'r3'], ...window } }),
  compiled({ title: 'in order', id: 'to', correlation: { type: 'temporal_ordered', rules: ['r1', 'r2'], ...window } }),
  compiled({ title: 'few', id: 'lt', correlation: { type: 'event_count', rules: ['r3'], ...window, condition: { lt: 3 } } }),
  compiled({ title: 'range', id: 'rg', correlation: { type: 'event_count', rules: ['r2'], ...window, condition: { gt: 1, lte: 3 } } }),
  compiled({ title: 'sum', id: 'vs', correlation: { type: 'value_sum', rules: ['r1', 'r3'], ...window, condition: { field: 'V', gte: 3 } } }),
  compiled({ title: 'average', id: 'va', correlation: { type: 'value_avg', rules: ['r2'], ...window, condition: { field: 'V', gt: 1.2 } } }),
];

interface RawEvent {
  user: number;
  rule: number;
  ms: number;
  value: number;
}

const toMatch = (e: RawEvent, i: number): CorrelationMatch & { ms: number } => ({
  ...match(`r${e.rule}`, `e${i}`, e.ms / 1000, { User: `u${e.user}`, V: e.value }),
  ms: e.ms,
});

/** What must be identical between runs: identity, window, measure and events of every alert. */
function signature(alerts: CorrelationAlert[]): string[] {
  return alerts
    .map((a) => JSON.stringify([a.correlationId, a.groupKey, a.windowStart.getTime(), a.windowEnd.getTime(), a.count, a.eventCount, a.eventIds, a.dedupKey]))
    .sort();
}

let run = 0;
function engineOn(redis: typeof redisA, prefix: string, toleranceSeconds: number): CorrelationEngine {
  return createCorrelationEngine({ redis, prefix, toleranceSeconds });
}

async function inTimeOrder(matches: Array<CorrelationMatch & { ms: number }>, toleranceSeconds: number): Promise<CorrelationAlert[]> {
  const engine = engineOn(redisA, `${ctx.prefix}ref-${++run}:`, toleranceSeconds);
  const sorted = [...matches].sort((x, y) => x.ms - y.ms);
  return [...(await engine.observe('t1', sorted, correlations, LATER)), ...(await engine.sweep('t1', correlations, LATER))];
}

const eventsArb = fc.array(
  fc.record({ user: fc.integer({ min: 0, max: 1 }), rule: fc.integer({ min: 1, max: 3 }), ms: fc.integer({ min: 0, max: 120 }).map((q) => q * 250), value: fc.integer({ min: 0, max: 2 }) }),
  { minLength: 1, maxLength: 40 },
);

describe('two workers', () => {
  test('interleaved halves observed concurrently yield exactly the alerts of one worker', async () => {
    // A fixed stream over 30 s: bursts for u0, a spread for u1, every type involved.
    const raw: RawEvent[] = [];
    for (let i = 0; i < 60; i++) raw.push({ user: i % 2, rule: 1 + (i % 3), ms: i * 500, value: i % 4 });
    const matches = raw.map(toMatch);
    const expected = await inTimeOrder(matches, 30);
    expect(new Set(expected.map((a) => a.correlationId))).toEqual(new Set(correlations.map((c) => c.id)));

    const prefix = `${ctx.prefix}pair-${++run}:`;
    const [a, b] = [engineOn(redisA, prefix, 30), engineOn(redisB, prefix, 30)];
    const half = (k: number) => matches.filter((_, i) => i % 2 === k);
    const feed = async (engine: CorrelationEngine, part: CorrelationMatch[]) => {
      const out: CorrelationAlert[] = [];
      for (let i = 0; i < part.length; i += 3) out.push(...(await engine.observe('t1', part.slice(i, i + 3), correlations, LATER)));
      return out;
    };
    const observed = (await Promise.all([feed(a, half(0)), feed(b, half(1))])).flat();
    const swept = (await Promise.all([a.sweep('t1', correlations, LATER), b.sweep('t1', correlations, LATER)])).flat();
    expect(signature([...observed, ...swept])).toEqual(signature(expected));
  });

  test('a storm inside one window, split between two workers with no tolerance, raises exactly one alert', async () => {
    const storm = Array.from({ length: 40 }, (_, i) => toMatch({ user: 0, rule: 1, ms: i * 100, value: 0 }, i));
    const prefix = `${ctx.prefix}storm-${++run}:`;
    const [a, b] = [engineOn(redisA, prefix, 0), engineOn(redisB, prefix, 0)];
    const ec = correlations.filter((c) => c.id === 'ec');
    const feed = async (engine: CorrelationEngine, part: CorrelationMatch[]) => {
      const out: CorrelationAlert[] = [];
      for (const m of part) out.push(...(await engine.observe('t1', [m], ec, LATER)));
      return out;
    };
    const alerts = (await Promise.all([feed(a, storm.filter((_, i) => i % 2 === 0)), feed(b, storm.filter((_, i) => i % 2 === 1))])).flat();
    expect(alerts).toHaveLength(1);
  });

  test('the same batch delivered to both workers at once (a retried job) raises each alert once', async () => {
    const raw: RawEvent[] = Array.from({ length: 24 }, (_, i) => ({ user: i % 2, rule: 1 + (i % 3), ms: i * 400, value: i % 3 }));
    const matches = raw.map(toMatch);
    const expected = await inTimeOrder(matches, 0);
    const prefix = `${ctx.prefix}retry-${++run}:`;
    const [a, b] = [engineOn(redisA, prefix, 0), engineOn(redisB, prefix, 0)];
    const observed = (await Promise.all([a.observe('t1', matches, correlations, LATER), b.observe('t1', matches, correlations, LATER)])).flat();
    const swept = (await Promise.all([a.sweep('t1', correlations, LATER), b.sweep('t1', correlations, LATER)])).flat();
    expect(signature([...observed, ...swept])).toEqual(signature(expected));
  });
});

describe('properties over random streams', () => {
  test('arrival late by less than the tolerance, in random chunks, gives the alerts of time order', async () => {
    const toleranceSeconds = 3;
    await fc.assert(
      fc.asyncProperty(eventsArb, fc.array(fc.integer({ min: 0, max: toleranceSeconds * 1000 - 1 }), { minLength: 40, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (raw, delays, chunk) => {
        const matches = raw.map(toMatch);
        const expected = await inTimeOrder(matches, toleranceSeconds);
        const arrival = matches.map((m, i) => ({ m, key: m.ms + delays[i] })).sort((x, y) => x.key - y.key).map((x) => x.m);
        const engine = engineOn(redisA, `${ctx.prefix}late-${++run}:`, toleranceSeconds);
        const got: CorrelationAlert[] = [];
        for (let i = 0; i < arrival.length; i += chunk) got.push(...(await engine.observe('t1', arrival.slice(i, i + chunk), correlations, LATER)));
        got.push(...(await engine.sweep('t1', correlations, LATER)));
        expect(signature(got)).toEqual(signature(expected));
      }),
      { numRuns: 40 },
    );
  });

  test('a random split between two concurrent workers gives the alerts of one worker', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), async (raw, sides) => {
        const matches = raw.map(toMatch);
        // a tolerance covering the whole stream makes any interleaving "in time"
        const expected = await inTimeOrder(matches, 60);
        const prefix = `${ctx.prefix}split-${++run}:`;
        const [a, b] = [engineOn(redisA, prefix, 60), engineOn(redisB, prefix, 60)];
        const feed = async (engine: CorrelationEngine, part: CorrelationMatch[]) => {
          const out: CorrelationAlert[] = [];
          for (let i = 0; i < part.length; i += 2) out.push(...(await engine.observe('t1', part.slice(i, i + 2), correlations, LATER)));
          return out;
        };
        const observed = (await Promise.all([feed(a, matches.filter((_, i) => sides[i])), feed(b, matches.filter((_, i) => !sides[i]))])).flat();
        const swept = (await Promise.all([a.sweep('t1', correlations, LATER), b.sweep('t1', correlations, LATER)])).flat();
        expect(signature([...observed, ...swept])).toEqual(signature(expected));
      }),
      { numRuns: 40 },
    );
  });
});
