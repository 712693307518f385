// event_count against the real Redis: sliding windows, inclusive bounds, suppression, tolerance.
import { createCorrelationEngine, type CorrelationGroupUpdate } from './correlation-engine';
import { LATER, at, compiled, match, redisTestContext, windows } from './correlation-test-support';

const ctx = redisTestContext();
afterAll(() => ctx.cleanup());

let n = 0;
/** A fresh correlation id per test keeps tests independent inside the shared file prefix. */
function bruteForce(extra: Record<string, unknown> = {}, gte = 3, timespan = '10s') {
  n += 1;
  return compiled({
    title: 'Brute force',
    id: `bf-${n}`,
    level: 'high',
    tags: ['attack.t1110'],
    correlation: { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan, condition: { gte }, ...extra },
  });
}
const fail = (id: string, s: number, ...user: unknown[]) => match('failed_login', id, s, { User: user.length > 0 ? user[0] : 'alice' });

describe('event_count (gte, sliding windows)', () => {
  const redis = ctx.connect();
  const engine = createCorrelationEngine({ redis, prefix: ctx.prefix });

  test('fires at the event that completes the count, with the window and its events', async () => {
    const c = bruteForce();
    expect(await engine.observe('t1', [fail('e1', 0), fail('e2', 4)], [c], LATER)).toEqual([]);
    const alerts = await engine.observe('t1', [fail('e3', 8)], [c], LATER);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      correlationId: c.id,
      title: 'Brute force',
      level: 'high',
      tags: ['attack.t1110'],
      tenantId: 't1',
      groupKey: '["alice"]',
      groupValues: { User: 'alice' },
      windowStart: at(0),
      windowEnd: at(8),
      eventIds: ['e1', 'e2', 'e3'],
      eventCount: 3,
      count: 3,
    });
    expect(alerts[0].dedupKey).toMatch(/^corr:[0-9a-f]{64}$/);
  });

  test('an event exactly timespan after the first still counts (inclusive bounds)', async () => {
    const c = bruteForce();
    const alerts = await engine.observe('t1', [fail('e1', 0), fail('e2', 5), fail('e3', 10)], [c], LATER);
    expect(windows(alerts)).toEqual([['["alice"]', 0, 10]]);
  });

  test('an event 1 ms beyond timespan does not share the window', async () => {
    const c = bruteForce();
    const alerts = await engine.observe('t1', [fail('e1', 0), fail('e2', 5), fail('e3', 10.001)], [c], LATER);
    expect(alerts).toEqual([]);
    // the next event completes the window [0.001 .. 10.001] that holds e2, e3, e4
    expect(windows(await engine.observe('t1', [fail('e4', 10.5)], [c], LATER))).toEqual([['["alice"]', 5, 10.5]]);
  });

  test('expired events no longer count: a slow trickle never fires', async () => {
    const c = bruteForce();
    const trickle = Array.from({ length: 10 }, (_, i) => fail(`e${i}`, i * 6));
    expect(await engine.observe('t1', trickle, [c], LATER)).toEqual([]);
  });

  test('a continuing storm raises one alert per window, and a new one after the window has passed', async () => {
    const c = bruteForce();
    const storm = Array.from({ length: 30 }, (_, i) => fail(`e${i}`, i)); // one per second for 30 s
    const firstHalf = await engine.observe('t1', storm.slice(0, 10), [c], LATER);
    expect(windows(firstHalf)).toEqual([['["alice"]', 0, 2]]);
    // events up to 0 + 10 s belong to the fired window: nothing more until 11, 12, 13 come in
    const rest = await engine.observe('t1', storm.slice(10), [c], LATER);
    expect(windows(rest)).toEqual([
      ['["alice"]', 11, 13],
      ['["alice"]', 22, 24],
    ]);
    expect(new Set([...firstHalf, ...rest].map((a) => a.dedupKey)).size).toBe(3);
  });

  test('groups are counted separately and an event without the group-by field is ignored', async () => {
    const c = bruteForce();
    const alerts = await engine.observe(
      't1',
      [fail('a1', 0), fail('b1', 1, 'bob'), fail('a2', 2), fail('x1', 2, undefined), fail('x2', 2, null), fail('b2', 3, 'bob'), fail('x3', 3, '')],
      [c],
      LATER,
    );
    expect(alerts).toEqual([]);
    const more = await engine.observe('t1', [fail('a3', 4), fail('x4', 4, undefined)], [c], LATER);
    expect(more.map((a) => a.eventIds)).toEqual([['a1', 'a2', 'a3']]);
  });

  test('tenants never share state', async () => {
    const c = bruteForce();
    expect(await engine.observe('t1', [fail('e1', 0), fail('e2', 1)], [c], LATER)).toEqual([]);
    expect(await engine.observe('t2', [fail('e3', 2)], [c], LATER)).toEqual([]);
    expect(await engine.observe('t1', [fail('e4', 3)], [c], LATER)).toHaveLength(1);
  });

  test('observing the same events again changes nothing (idempotent on eventId)', async () => {
    const c = bruteForce();
    const batch = [fail('e1', 0), fail('e2', 1), fail('e1', 0), fail('e2', 1)];
    expect(await engine.observe('t1', batch, [c], LATER)).toEqual([]);
    expect(await engine.observe('t1', batch, [c], LATER)).toEqual([]);
    const fired = await engine.observe('t1', [fail('e3', 2)], [c], LATER);
    expect(fired).toHaveLength(1);
    expect(await engine.observe('t1', [fail('e1', 0), fail('e2', 1), fail('e3', 2)], [c], LATER)).toEqual([]);
  });

  test('the dedupKey is the same when the same input is replayed on empty state', async () => {
    const c = bruteForce();
    const input = [fail('e1', 0), fail('e2', 1), fail('e3', 2)];
    const first = await engine.observe('t1', input, [c], LATER);
    const other = redisTestContext();
    try {
      const replay = await createCorrelationEngine({ redis: other.connect(), prefix: other.prefix }).observe('t1', input, [c], LATER);
      expect(replay.map((a) => a.dedupKey)).toEqual(first.map((a) => a.dedupKey));
      expect(first).toHaveLength(1);
    } finally {
      await other.cleanup();
    }
  });

  test('events stamped too far ahead of now are ignored as clock errors', async () => {
    const c = bruteForce();
    const now = at(100);
    const alerts = await engine.observe('t1', [fail('e1', 0), fail('e2', 1), fail('e3', 2), fail('f', 2000)], [c], now);
    expect(alerts).toHaveLength(1);
    // had the future event been stored it would make e4 "too late"; e4..e6 still fire
    expect(await engine.observe('t1', [fail('e4', 20), fail('e5', 21), fail('e6', 22)], [c], now)).toHaveLength(1);
  });

  test('state keys start with the prefix and expire after 2 × (timespan + tolerance) + margin', async () => {
    const c = bruteForce({}, 3, '1m');
    const margined = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 30, stateMarginSeconds: 60 });
    await margined.observe('t1', [fail('e1', 0), fail('e2', 1)], [c], LATER);
    const keys = (await ctx.keys()).filter((k) => k.includes(`:${c.id}:`));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      expect(key.startsWith(ctx.prefix)).toBe(true);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(240_000 - 5_000);
      expect(ttl).toBeLessThanOrEqual(240_000);
    }
  });

  test('bad arguments are reported clearly', async () => {
    const c = bruteForce();
    await expect(engine.observe('', [], [c], LATER)).rejects.toThrow('tenantId must be a non-empty string');
    await expect(engine.observe('t1', [], [c], new Date(Number.NaN))).rejects.toThrow('now must be a valid Date');
    expect(() => createCorrelationEngine({ redis, prefix: '' })).toThrow('options.prefix must be a non-empty string');
    // malformed matches are skipped, not thrown
    const junk = [{ ruleRefs: ['failed_login'], eventId: '', ts: at(0), fields: () => 'x' }, { ruleRefs: ['failed_login'], eventId: 'z', ts: new Date(Number.NaN), fields: () => 'x' }];
    expect(await engine.observe('t1', junk, [c], LATER)).toEqual([]);
  });
});

describe('event_count with out-of-order arrival', () => {
  const redis = ctx.connect();

  test('an event late by less than the tolerance is inserted in place and the window re-evaluated', async () => {
    const engine = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 5 });
    const c = bruteForce();
    // arrival: 0, 6, 9, then 3 (late by 6 s behind 9, within timespan + tolerance)
    expect(await engine.observe('t1', [fail('e0', 0), fail('e6', 6), fail('e9', 9)], [c], LATER)).toEqual([]);
    const late = await engine.observe('t1', [fail('e3', 3)], [c], LATER);
    // decided windows end at or before the watermark 9 - 5 = 4: [.. 3] holds e0, e3 only; nothing yet
    expect(late).toEqual([]);
    // the watermark reaches 6 when an event at 11 arrives: window [-4, 6] holds e0, e3, e6
    expect(windows(await engine.observe('t1', [fail('e11', 11)], [c], LATER))).toEqual([['["alice"]', 0, 6]]);
  });

  test('with a tolerance, arrival order does not change the alerts', async () => {
    const c = bruteForce();
    const events = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((s) => fail(`e${s}`, s));
    const inOrder = createCorrelationEngine({ redis, prefix: `${ctx.prefix}in-order:`, toleranceSeconds: 8 });
    const expected = [...(await inOrder.observe('t1', events, [c], LATER)), ...(await inOrder.sweep('t1', [c], LATER))];
    const shuffled = createCorrelationEngine({ redis, prefix: `${ctx.prefix}shuffled:`, toleranceSeconds: 8 });
    const order = [2, 0, 4, 1, 3, 6, 8, 5, 7, 9, 12, 10, 15, 11, 13, 14];
    const got = [];
    for (const i of order) got.push(...(await shuffled.observe('t1', [events[i]], [c], LATER)));
    got.push(...(await shuffled.sweep('t1', [c], LATER)));
    expect(windows(got)).toEqual(windows(expected));
    expect(got.map((a) => a.dedupKey).sort()).toEqual(expected.map((a) => a.dedupKey).sort());
    expect(windows(expected)).toEqual([
      ['["alice"]', 0, 2],
      ['["alice"]', 11, 13],
    ]);
  });

  test('a decision waits for the watermark (newest event − tolerance) or for sweep(now)', async () => {
    const engine = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 5 });
    const c = bruteForce();
    expect(await engine.observe('t1', [fail('e0', 0), fail('e1', 1), fail('e2', 2)], [c], LATER)).toEqual([]);
    expect(await engine.sweep('t1', [c], at(6.999))).toEqual([]);
    const swept = await engine.sweep('t1', [c], at(7));
    expect(windows(swept)).toEqual([['["alice"]', 0, 2]]);
    expect(await engine.sweep('t1', [c], at(60))).toEqual([]);
  });

  test('an event lagging behind the sweep watermark is still decided by a later sweep', async () => {
    const engine = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 2 });
    const c = bruteForce();
    await engine.observe('t1', [fail('e0', 0), fail('e1', 1)], [c], LATER);
    expect(await engine.sweep('t1', [c], at(100))).toEqual([]);
    // ingest lag: e2 arrives with a timestamp far behind the last sweep's now
    expect(await engine.observe('t1', [fail('e2', 3)], [c], LATER)).toEqual([]);
    expect(windows(await engine.sweep('t1', [c], at(101)))).toEqual([['["alice"]', 0, 3]]);
  });

  test('an event older than newest − timespan − tolerance is discarded; one just inside is kept', async () => {
    const updates: CorrelationGroupUpdate[] = [];
    const engine = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 2, onGroupUpdate: (u) => updates.push(u) });
    const c = bruteForce();
    expect(await engine.observe('t1', [fail('e24', 24), fail('e25', 25), fail('e36', 36)], [c], LATER)).toEqual([]);
    // 23 < 36 - 10 - 2 = 24: discarded, although with e24 and e25 it would complete [15..25]
    expect(await engine.observe('t1', [fail('old', 23), fail('e25', 25)], [c], LATER)).toEqual([]);
    expect(updates.map((u) => [u.inserted, u.duplicates, u.discarded])).toEqual([
      [3, 0, 0],
      [0, 1, 1],
    ]);
    expect(await engine.sweep('t1', [c], LATER)).toEqual([]);
    // 24.5 is kept, inserted in place, and the window ending at e25 re-evaluated
    const kept = await engine.observe('t1', [fail('late', 24.5)], [c], LATER);
    expect(windows(kept)).toEqual([['["alice"]', 24, 25]]);
    expect(kept[0].eventIds).toEqual(['e24', 'late', 'e25']);
  });
});
