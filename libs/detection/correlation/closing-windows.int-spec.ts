// Conditions with an upper bound (lt, lte, eq, ranges, neq) are judged on closing windows:
// a window opens at a group's first unconsumed event, spans the timespan, and is decided by sweep()
// (or by a later event of the group) once it has closed.
import { createCorrelationEngine } from './correlation-engine';
import { LATER, at, compiled, match, redisTestContext, windows } from './correlation-test-support';

const ctx = redisTestContext();
afterAll(() => ctx.cleanup());
const redis = ctx.connect();
const engine = createCorrelationEngine({ redis, prefix: ctx.prefix });

let n = 0;
function fewLogins(condition: Record<string, number>, type = 'event_count', field?: string) {
  n += 1;
  return compiled({
    title: 'Few beacons',
    id: `few-${n}`,
    correlation: { type, rules: ['beacon'], 'group-by': ['Host'], timespan: '10s', condition: field ? { ...condition, field } : condition },
  });
}
const beacon = (id: string, s: number, host = 'plc1', extra: Record<string, unknown> = {}) => match('beacon', `${host}-${id}`, s, { Host: host, ...extra });

describe('lt: fewer than N events in the timespan after a group first appears', () => {
  test('sweep emits the window once it has closed (window end inclusive), and only then', async () => {
    const c = fewLogins({ lt: 3 });
    expect(await engine.observe('t1', [beacon('a', 0), beacon('b', 4)], [c], LATER)).toEqual([]);
    expect(await engine.sweep('t1', [c], at(9.999))).toEqual([]);
    const alerts = await engine.sweep('t1', [c], at(10));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ windowStart: at(0), windowEnd: at(10), count: 2, eventIds: ['plc1-a', 'plc1-b'], groupValues: { Host: 'plc1' } });
    expect(await engine.sweep('t1', [c], at(20))).toEqual([]);
  });

  test('a window holding N events does not fire; an event at exactly start + timespan belongs to it', async () => {
    const c = fewLogins({ lt: 3 });
    await engine.observe('t1', [beacon('a', 0), beacon('b', 5), beacon('c', 10)], [c], LATER);
    expect(await engine.sweep('t1', [c], LATER)).toEqual([]);
  });

  test('the next window opens at the first event after the closed one', async () => {
    const c = fewLogins({ lt: 3 });
    const observed = await engine.observe('t1', [beacon('a', 0), beacon('b', 1), beacon('c', 2), beacon('d', 10.5), beacon('e', 30)], [c], LATER);
    // [0..10] holds 3 (no alert); [10.5..20.5] holds 1 and closed when the event at 30 arrived
    expect(windows(observed)).toEqual([['["plc1"]', 10.5, 20.5]]);
    // [30..40] holds 1 and closes at the sweep
    expect(windows(await engine.sweep('t1', [c], LATER))).toEqual([['["plc1"]', 30, 40]]);
  });

  test('a later event of the group closes the window without a sweep', async () => {
    const c = fewLogins({ lt: 3 });
    expect(await engine.observe('t1', [beacon('a', 0)], [c], LATER)).toEqual([]);
    expect(windows(await engine.observe('t1', [beacon('b', 15)], [c], LATER))).toEqual([['["plc1"]', 0, 10]]);
  });

  test('with a tolerance, sweep waits until end + tolerance; a late event within it is counted', async () => {
    const tolerant = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 5 });
    const c = fewLogins({ lt: 3 });
    await tolerant.observe('t1', [beacon('a', 0), beacon('b', 9)], [c], LATER);
    expect(await tolerant.sweep('t1', [c], at(14.999))).toEqual([]);
    await tolerant.observe('t1', [beacon('late', 8)], [c], LATER);
    expect(await tolerant.sweep('t1', [c], at(15))).toEqual([]);
  });

  test('groups are judged separately; two engines sweeping at once raise each alert once', async () => {
    const c = fewLogins({ lt: 3 });
    await engine.observe('t1', [beacon('a', 0, 'plc1'), beacon('a', 0, 'plc2'), beacon('b', 1, 'plc2'), beacon('c', 2, 'plc2'), beacon('a', 3, 'plc3')], [c], LATER);
    const other = createCorrelationEngine({ redis: ctx.connect(), prefix: ctx.prefix });
    const [x, y] = await Promise.all([engine.sweep('t1', [c], LATER), other.sweep('t1', [c], LATER)]);
    expect(windows([...x, ...y])).toEqual([
      ['["plc1"]', 0, 10],
      ['["plc3"]', 3, 13],
    ]);
  });
});

describe('other bounded conditions', () => {
  test('a range (gt 2, lte 4) fires for 3 or 4 events, not 2 or 5', async () => {
    const c = fewLogins({ gt: 2, lte: 4 });
    const hosts: Record<string, number> = { two: 2, three: 3, four: 4, five: 5 };
    const events = Object.entries(hosts).flatMap(([host, count]) => Array.from({ length: count }, (_, i) => beacon(`e${i}`, i, host)));
    await engine.observe('t1', events, [c], LATER);
    expect((await engine.sweep('t1', [c], LATER)).map((a) => [a.groupValues.Host, a.count]).sort()).toEqual([
      ['four', 4],
      ['three', 3],
    ]);
  });

  test('eq and neq', async () => {
    const eq = fewLogins({ eq: 2 });
    const neq = fewLogins({ neq: 2 });
    await engine.observe('t1', [beacon('a', 0, 'h1'), beacon('b', 1, 'h1'), beacon('a', 0, 'h2')], [eq, neq], LATER);
    expect((await engine.sweep('t1', [eq], LATER)).map((a) => a.groupValues.Host)).toEqual(['h1']);
    expect((await engine.sweep('t1', [neq], LATER)).map((a) => a.groupValues.Host)).toEqual(['h2']);
  });

  test('value_count lte counts distinct values in the closed window', async () => {
    const c = fewLogins({ lte: 1 }, 'value_count', 'User');
    await engine.observe(
      't1',
      [beacon('a', 0, 'h1', { User: 'root' }), beacon('b', 1, 'h1', { User: 'root' }), beacon('a', 0, 'h2', { User: 'root' }), beacon('b', 1, 'h2', { User: 'admin' })],
      [c],
      LATER,
    );
    const alerts = await engine.sweep('t1', [c], LATER);
    expect(alerts.map((a) => [a.groupValues.Host, a.count, a.eventCount])).toEqual([['h1', 1, 2]]);
  });

  test('an event at or before a closed window end is discarded', async () => {
    const c = fewLogins({ lt: 3 });
    await engine.observe('t1', [beacon('a', 0)], [c], LATER);
    expect(await engine.sweep('t1', [c], LATER)).toHaveLength(1);
    await engine.observe('t1', [beacon('late1', 9), beacon('late2', 10)], [c], LATER);
    expect(await engine.sweep('t1', [c], LATER)).toEqual([]);
  });
});
