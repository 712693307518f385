// Checks the Redis/Lua engine against an independent, deliberately naive model of the documented
// window semantics (docs/correlation.md), over random streams.
import fc from 'fast-check';
import { createCorrelationEngine } from './correlation-engine';
import { groupKeyOf, placeMatch } from './correlation-grouping';
import type { CompiledCorrelation, CorrelationMatch } from './correlation.types';
import { LATER, T0, compiled, match, redisTestContext } from './correlation-test-support';

const ctx = redisTestContext();
afterAll(() => ctx.cleanup());
const redis = ctx.connect();

interface ModelEvent {
  ts: number;
  member: string;
  eventId: string;
  value: string;
}

/** start, end, measure, events in window, reported event ids */
type ModelWindow = [number, number, number, number, string[]];

function satisfied(c: CompiledCorrelation, m: number): boolean {
  const { lower, upper, exclude } = c.thresholds;
  if (lower && (lower.inclusive ? m < lower.value : m <= lower.value)) return false;
  if (upper && (upper.inclusive ? m > upper.value : m >= upper.value)) return false;
  return exclude === null || m !== exclude;
}

/** Returns the measure, the window start, and the reported events of a window (events in time order). */
function measure(c: CompiledCorrelation, w: ModelEvent[]): { m: number; start: number; ids: ModelEvent[] } {
  switch (c.type) {
    case 'event_count':
      return { m: w.length, start: w[0].ts, ids: w };
    case 'value_count':
    case 'temporal':
      return { m: new Set(w.map((e) => e.value)).size, start: w[0].ts, ids: w };
    case 'value_sum':
    case 'value_avg': {
      let sum = 0;
      for (const e of w) sum += Number(e.value);
      return { m: c.type === 'value_sum' ? sum : sum / w.length, start: w[0].ts, ids: w };
    }
    case 'temporal_ordered': {
      // try every possible sequence start; the earliest-starting complete sequence wins
      const seq: ModelEvent[] = [];
      for (let stage = 1; stage <= c.rules.length; stage++) {
        const prev = seq[seq.length - 1];
        const next = w.find((e) => e.value === String(stage) && (!prev || e.ts >= prev.ts) && !seq.includes(e));
        if (!next) break;
        seq.push(next);
      }
      return { m: seq.length, start: seq[0]?.ts ?? w[0].ts, ids: seq };
    }
  }
}

function model(c: CompiledCorrelation, events: ModelEvent[]): ModelWindow[] {
  const T = c.timespanMs;
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  const out: ModelWindow[] = [];
  let cursor = Number.NEGATIVE_INFINITY;
  if (c.evaluation === 'sliding') {
    for (const E of [...new Set(sorted.map((e) => e.ts))]) {
      if (E <= cursor) continue;
      const w = sorted.filter((e) => e.ts >= E - T && e.ts <= E && e.ts > cursor);
      const r = measure(c, w);
      if (satisfied(c, r.m)) {
        out.push([r.start, E, r.m, w.length, r.ids.slice(0, 100).map((e) => e.eventId)]);
        cursor = r.start + T;
      }
    }
  } else {
    for (;;) {
      const first = sorted.find((e) => e.ts > cursor);
      if (!first) break;
      const S = first.ts;
      const w = sorted.filter((e) => e.ts >= S && e.ts <= S + T);
      const r = measure(c, w);
      if (satisfied(c, r.m)) out.push([S, S + T, r.m, w.length, w.slice(0, 100).map((e) => e.eventId)]);
      cursor = S + T;
    }
  }
  return out;
}

function modelAlerts(correlations: CompiledCorrelation[], matches: CorrelationMatch[]): string[] {
  const result: string[] = [];
  for (const c of correlations) {
    const groups = new Map<string, Map<string, ModelEvent>>();
    for (const m of matches) {
      const p = placeMatch(c, m);
      if (!p) continue;
      const key = groupKeyOf(p.groupValues);
      const member = c.type === 'temporal' || c.type === 'temporal_ordered' ? `${p.ruleIndex + 1}|${m.eventId}` : m.eventId;
      const group = groups.get(key) ?? new Map<string, ModelEvent>();
      if (!group.has(member)) group.set(member, { ts: m.ts.getTime(), member, eventId: m.eventId, value: p.value });
      groups.set(key, group);
    }
    for (const [key, group] of groups) {
      for (const a of model(c, [...group.values()])) result.push(JSON.stringify([c.id, key, ...a]));
    }
  }
  return result.sort();
}

const window = { 'group-by': ['User'], timespan: '10s' };
const correlations = [
  compiled({ title: 'count', id: 'ec', correlation: { type: 'event_count', rules: ['r1', 'r2'], ...window, condition: { gte: 3 } } }),
  compiled({ title: 'distinct', id: 'vc', correlation: { type: 'value_count', rules: ['r1'], ...window, condition: { field: 'V', gt: 1 } } }),
  compiled({ title: 'all three', id: 'tp', correlation: { type: 'temporal', rules: ['r1', 'r2', 'r3'], ...window } }),
  compiled({ title: 'two of three', id: 'tp2', correlation: { type: 'temporal', rules: ['r1', 'r2', 'r3'], ...window, condition: { gte: 2 } } }),
  compiled({ title: 'in order', id: 'to', correlation: { type: 'temporal_ordered', rules: ['r3', 'r1', 'r2'], ...window } }),
  compiled({ title: 'few', id: 'lt', correlation: { type: 'event_count', rules: ['r3'], ...window, condition: { lte: 2 } } }),
  compiled({ title: 'not two', id: 'nq', correlation: { type: 'value_count', rules: ['r2', 'r3'], ...window, condition: { field: 'V', neq: 2 } } }),
  compiled({ title: 'sum', id: 'vs', correlation: { type: 'value_sum', rules: ['r1', 'r3'], ...window, condition: { field: 'V', gte: 4.5 } } }),
  compiled({ title: 'average', id: 'va', correlation: { type: 'value_avg', rules: ['r2'], ...window, condition: { field: 'V', gte: 0.5, lt: 1.7 } } }),
];

test('the engine raises exactly the alerts of the reference model', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({ user: fc.integer({ min: 0, max: 1 }), rule: fc.integer({ min: 1, max: 3 }), q: fc.integer({ min: 0, max: 160 }), value: fc.constantFrom(0, 0.5, 1, 2, 3) }),
        { minLength: 1, maxLength: 50 },
      ),
      fc.integer({ min: 1, max: 8 }),
      async (raw, chunk) => {
        // ids drawn so that duplicates (same id and time) also occur
        const matches = raw.map((e, i) => match(`r${e.rule}`, `e${i % 45}`, (e.q * 250) / 1000, { User: `u${e.user}`, V: e.value }));
        // an event id has one timestamp: keep the first occurrence's time for repeated ids
        const firstTs = new Map<string, Date>();
        const consistent = matches.map((m) => {
          const ts = firstTs.get(m.eventId) ?? m.ts;
          firstTs.set(m.eventId, ts);
          return { ...m, ts };
        });
        // In time order, in chunks (so both the rescanning and the incremental path run); a 1 ms
        // tolerance keeps events with equal timestamps in different chunks together.
        const engine = createCorrelationEngine({ redis, prefix: `${ctx.prefix}model-${++run}:`, toleranceSeconds: 0.001 });
        const sorted = [...consistent].sort((a, b) => a.ts.getTime() - b.ts.getTime());
        const alerts = [];
        for (let i = 0; i < sorted.length; i += chunk) alerts.push(...(await engine.observe('t1', sorted.slice(i, i + chunk), correlations, LATER)));
        alerts.push(...(await engine.sweep('t1', correlations, LATER)));
        const got = alerts
          .map((a) => JSON.stringify([a.correlationId, a.groupKey, a.windowStart.getTime(), a.windowEnd.getTime(), a.count, a.eventCount, a.eventIds]))
          .sort();
        expect(got).toEqual(modelAlerts(correlations, consistent));
      },
    ),
    { numRuns: 60 },
  );
});

test('the model itself: a known stream', () => {
  const c = correlations[0];
  const ms = [0, 1, 2, 5, 11, 12, 13].map((s, i) => match('r1', `k${i}`, s, { User: 'u' }));
  expect(modelAlerts([c], ms).map((s) => JSON.parse(s).slice(2, 4).map((t: number) => (t - T0) / 1000))).toEqual([
    [0, 2],
    [11, 13],
  ]);
});
