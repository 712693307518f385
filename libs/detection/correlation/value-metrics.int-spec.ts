// value_sum (sliding for lower bounds) and value_avg (always closing windows) against the real Redis.
import { createCorrelationEngine } from './correlation-engine';
import { LATER, at, compiled, match, redisTestContext, windows } from './correlation-test-support';

const ctx = redisTestContext();
afterAll(() => ctx.cleanup());
const engine = createCorrelationEngine({ redis: ctx.connect(), prefix: ctx.prefix });

let n = 0;
const exfil = (condition: Record<string, unknown>, type = 'value_sum') =>
  compiled({
    title: 'Possible exfiltration',
    id: `metric-${++n}`,
    correlation: { type, rules: ['website_access'], 'group-by': ['SourceIP'], timespan: '10s', condition: { field: 'bytes_sent', ...condition } },
  });
const access = (id: string, s: number, bytes: unknown, ip = '10.0.0.7') => match('website_access', `${ip}-${id}`, s, { SourceIP: ip, bytes_sent: bytes });

describe('value_sum', () => {
  test('fires at the event that takes the window sum over the threshold, reporting the sum', async () => {
    const c = exfil({ gt: 1000 });
    expect(await engine.observe('t1', [access('a', 0, 400), access('b', 2, 300)], [c], LATER)).toEqual([]);
    const alerts = await engine.observe('t1', [access('c', 4, '301')], [c], LATER);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 1001, eventCount: 3, windowStart: at(0), windowEnd: at(4) });
  });

  test('gt is strict; an event exactly timespan apart still counts; non-numeric values are ignored', async () => {
    const c = exfil({ gt: 1000 });
    expect(await engine.observe('t1', [access('a', 0, 500), access('x', 1, 'lots'), access('y', 2, null), access('b', 10, 500)], [c], LATER)).toEqual([]);
    expect(windows(await engine.observe('t1', [access('c', 10, 0.5)], [c], LATER))).toEqual([['["10.0.0.7"]', 0, 10]]);
  });

  test('values that left the window no longer count', async () => {
    const c = exfil({ gte: 1000 });
    expect(await engine.observe('t1', [access('a', 0, 600), access('b', 10.5, 600)], [c], LATER)).toEqual([]);
  });

  test('fractional sums are reported exactly as computed', async () => {
    const c = exfil({ gte: 0.3 });
    const alerts = await engine.observe('t1', [access('a', 0, 0.1), access('b', 1, 0.2)], [c], LATER);
    expect(alerts.map((a) => a.count)).toEqual([0.1 + 0.2]);
  });
});

describe('value_avg (closing windows)', () => {
  test('judges the average of the whole window when it closes', async () => {
    const c = exfil({ gt: 500 }, 'value_avg');
    await engine.observe(
      't1',
      [access('a', 0, 400, 'hostA'), access('b', 5, 700, 'hostA'), access('a', 0, 400, 'hostB'), access('b', 5, 500, 'hostB'), access('a', 0, 1, 'hostC'), access('b', 1, 2, 'hostC')],
      [c],
      LATER,
    );
    expect(await engine.sweep('t1', [c], at(9))).toEqual([]);
    const alerts = await engine.sweep('t1', [c], at(10));
    expect(alerts.map((a) => [a.groupValues.SourceIP, a.count, a.windowStart.getTime(), a.windowEnd.getTime()])).toEqual([['hostA', 550, at(0).getTime(), at(10).getTime()]]);
  });

  test('a fractional average and a range', async () => {
    const c = exfil({ gt: 1, lt: 2 }, 'value_avg');
    await engine.observe('t1', [access('a', 0, 1, 'h'), access('b', 1, 2, 'h')], [c], LATER);
    expect((await engine.sweep('t1', [c], LATER)).map((a) => a.count)).toEqual([1.5]);
  });
});
