// Checks the Redis/Lua engine against an independent, deliberately naive model of the documented
// window semantics (docs/correlation.md), over random streams.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
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

// Real traffic: Zeek Modbus records from the WRCCDC 2018 capture (brimdata/zed-sample-data,
// CC BY-SA 4.0), read in place from the shared corpus.
const MODBUS_LOG = path.resolve(__dirname, '../../../..', 'shared/corpora/zeek/brimdata-zed-sample-data/zeek-json/modbus.json.gz');

describe('real Zeek Modbus traffic', () => {
  const records = gunzipSync(readFileSync(MODBUS_LOG))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  // What base rules would have matched: every request is "modbus_request", responses "modbus_response",
  // and the function code gives "modbus_func_34" / "modbus_func_100".
  const matches: CorrelationMatch[] = records.flatMap((r, i) => {
    const refs = [r.pdu_type === 'REQ' ? 'modbus_request' : 'modbus_response', `modbus_func_${String(r.func).replace('unknown-', '')}`];
    return refs.map((ref) => ({ ruleRefs: [ref], eventId: `${r.uid}-${i}`, ts: new Date(String(r.ts)), fields: (name: string) => r[name] }));
  });
  const rules = [
    compiled({ title: 'Modbus client sweeping PLCs', id: 'modbus-sweep', level: 'high', correlation: { type: 'value_count', rules: ['modbus_request'], 'group-by': ['id.orig_h'], timespan: '1m', condition: { field: 'id.resp_h', gte: 4 } } }),
    compiled({ title: 'Modbus request burst', id: 'modbus-burst', correlation: { type: 'event_count', rules: ['modbus_request'], 'group-by': ['id.orig_h', 'id.resp_h'], timespan: '1m', condition: { gte: 3 } } }),
    compiled({ title: 'Function 34 then 100', id: 'modbus-seq', correlation: { type: 'temporal_ordered', rules: ['modbus_func_34', 'modbus_func_100'], 'group-by': ['id.orig_h', 'id.resp_h'], timespan: '30s' } }),
    compiled({ title: 'PLC barely answering', id: 'modbus-quiet', correlation: { type: 'event_count', rules: ['modbus_response'], 'group-by': ['id.resp_h'], timespan: '1m', condition: { lt: 2 } } }),
  ];

  test('two concurrent workers raise exactly the alerts of the reference model', async () => {
    expect(records).toHaveLength(268);
    const prefix = `${ctx.prefix}modbus:`;
    const [a, b] = [createCorrelationEngine({ redis, prefix, toleranceSeconds: 3600 }), createCorrelationEngine({ redis: ctx.connect(), prefix, toleranceSeconds: 3600 })];
    const feed = async (engine: typeof a, part: CorrelationMatch[]) => {
      const out = [];
      for (let i = 0; i < part.length; i += 25) out.push(...(await engine.observe('wrccdc', part.slice(i, i + 25), rules, LATER)));
      return out;
    };
    const observed = (await Promise.all([feed(a, matches.filter((_, i) => i % 2 === 0)), feed(b, matches.filter((_, i) => i % 2 === 1))])).flat();
    const swept = (await Promise.all([a.sweep('wrccdc', rules, LATER), b.sweep('wrccdc', rules, LATER)])).flat();
    const alerts = [...observed, ...swept];
    const got = alerts.map((x) => JSON.stringify([x.correlationId, x.groupKey, x.windowStart.getTime(), x.windowEnd.getTime(), x.count, x.eventCount, x.eventIds])).sort();
    expect(got).toEqual(modelAlerts(rules, matches));
    // independent of both: 10.128.0.248 polls eight PLCs, 10.128.0.242 only two
    const sweepers = new Set(alerts.filter((x) => x.correlationId === 'modbus-sweep').map((x) => x.groupValues['id.orig_h']));
    expect(sweepers).toEqual(new Set(['10.128.0.248']));
    expect(new Set(alerts.map((x) => x.correlationId))).toEqual(new Set(rules.map((r) => r.id)));
  });
});
