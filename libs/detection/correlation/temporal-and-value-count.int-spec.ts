// value_count, temporal, temporal_ordered, aliases and chaining against the real Redis.
import { createCorrelationEngine } from './correlation-engine';
import { LATER, SPEC_ALIAS_CORRELATION, at, compiled, match, redisTestContext, windows } from './correlation-test-support';

const ctx = redisTestContext();
afterAll(() => ctx.cleanup());
const redis = ctx.connect();
const engine = createCorrelationEngine({ redis, prefix: ctx.prefix });

let n = 0;
const uniqueId = (base: string) => `${base}-${++n}`;

describe('value_count', () => {
  const sprayed = () =>
    compiled({
      title: 'Password spray',
      id: uniqueId('spray'),
      correlation: { type: 'value_count', rules: ['failed_login'], 'group-by': ['Host'], timespan: '10s', condition: { field: 'User', gte: 3 } },
    });
  const fail = (id: string, s: number, fields: Record<string, unknown>) => match('failed_login', id, s, { Host: 'dc1', ...fields });

  test('fires when the third distinct value appears in the window; repeats do not count', async () => {
    const c = sprayed();
    const alerts = await engine.observe(
      't1',
      [fail('e1', 0, { User: 'u1' }), fail('e2', 1, { User: 'u1' }), fail('e3', 2, { User: 'u2' }), fail('e4', 3, { User: 'u2' }), fail('e5', 4, { User: 'u3' })],
      [c],
      LATER,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 3, eventCount: 5, windowStart: at(0), windowEnd: at(4), groupValues: { Host: 'dc1' } });
  });

  test('values that left the window no longer count', async () => {
    const c = sprayed();
    expect(await engine.observe('t1', [fail('e1', 0, { User: 'u1' }), fail('e2', 5, { User: 'u2' }), fail('e3', 10.5, { User: 'u3' })], [c], LATER)).toEqual([]);
    // u1 at 0 is outside [0.5, 10.5]; u1 again at 11 brings the distinct count to 3
    expect(windows(await engine.observe('t1', [fail('e4', 11, { User: 'u1' })], [c], LATER))).toEqual([['["dc1"]', 5, 11]]);
  });

  test('an event without the counted field or the group-by field is ignored', async () => {
    const c = sprayed();
    const alerts = await engine.observe(
      't1',
      [fail('e1', 0, { User: 'u1' }), fail('e2', 1, { User: undefined }), fail('e3', 2, { Host: undefined, User: 'u3' }), fail('e4', 3, { User: 'u2' })],
      [c],
      LATER,
    );
    expect(alerts).toEqual([]);
  });
});

describe('temporal', () => {
  const recon = () =>
    compiled({
      title: 'Recon',
      id: uniqueId('recon'),
      correlation: { type: 'temporal', rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'], 'group-by': ['ComputerName', 'User'], timespan: '5m' },
    });
  const cmd = (rule: string, id: string, s: number, user = 'bob') => match(rule, id, s, { ComputerName: 'ws1', User: user });

  test('fires once all listed rules matched in any order within the timespan', async () => {
    const c = recon();
    const alerts = await engine.observe('t1', [cmd('recon_cmd_c', 'c1', 0), cmd('recon_cmd_a', 'a1', 60), cmd('recon_cmd_a', 'a2', 90), cmd('recon_cmd_b', 'b1', 120)], [c], LATER);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 3, eventCount: 4, eventIds: ['c1', 'a1', 'a2', 'b1'], windowStart: at(0), windowEnd: at(120), groupValues: { ComputerName: 'ws1', User: 'bob' } });
  });

  test('does not fire when a rule is missing, or for another user', async () => {
    const c = recon();
    expect(await engine.observe('t1', [cmd('recon_cmd_a', 'a1', 0), cmd('recon_cmd_b', 'b1', 10), cmd('recon_cmd_c', 'c1', 20, 'eve')], [c], LATER)).toEqual([]);
  });

  test('the timespan bounds are inclusive: exactly 5m apart fires, 5m + 1 ms does not', async () => {
    const exact = recon();
    expect(await engine.observe('t1', [cmd('recon_cmd_a', 'a', 0), cmd('recon_cmd_b', 'b', 100), cmd('recon_cmd_c', 'c', 300)], [exact], LATER)).toHaveLength(1);
    const beyond = recon();
    expect(await engine.observe('t1', [cmd('recon_cmd_a', 'a', 0), cmd('recon_cmd_b', 'b', 100), cmd('recon_cmd_c', 'c', 300.001)], [beyond], LATER)).toEqual([]);
  });

  test('one event matching two listed rules counts for both', async () => {
    const c = recon();
    const alerts = await engine.observe('t1', [cmd('recon_cmd_a', 'x', 0), cmd('recon_cmd_b', 'x', 0), cmd('recon_cmd_c', 'y', 5)], [c], LATER);
    expect(alerts.map((a) => a.eventIds)).toEqual([['x', 'x', 'y']]);
  });

  test('a match carrying id and name of its rule is placed once', async () => {
    const c = compiled({
      title: 'Recon by id',
      id: uniqueId('recon-id'),
      correlation: { type: 'temporal', rules: ['uuid-a', 'recon_cmd_b'], 'group-by': ['User'], timespan: '1m' },
    });
    const alerts = await engine.observe('t1', [match(['uuid-a', 'recon_cmd_a'], 'a', 0, { User: 'u' }), match(['uuid-b', 'recon_cmd_b'], 'b', 1, { User: 'u' })], [c], LATER);
    expect(alerts).toHaveLength(1);
  });
});

describe('temporal_ordered', () => {
  const ordered = () =>
    compiled({
      title: 'Recon ordered',
      id: uniqueId('ordered'),
      correlation: { type: 'temporal_ordered', rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'], 'group-by': ['User'], timespan: '5m' },
    });
  const cmd = (rule: string, id: string, s: number) => match(rule, id, s, { User: 'bob' });

  test('fires for the listed order, reporting the matched sequence', async () => {
    const c = ordered();
    const alerts = await engine.observe('t1', [cmd('recon_cmd_a', 'a', 0), cmd('recon_cmd_c', 'c0', 10), cmd('recon_cmd_b', 'b', 20), cmd('recon_cmd_c', 'c1', 30)], [c], LATER);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ eventIds: ['a', 'b', 'c1'], windowStart: at(0), windowEnd: at(30), count: 3, eventCount: 4 });
  });

  test('does not fire for another order', async () => {
    const c = ordered();
    expect(await engine.observe('t1', [cmd('recon_cmd_c', 'c', 0), cmd('recon_cmd_b', 'b', 10), cmd('recon_cmd_a', 'a', 20)], [c], LATER)).toEqual([]);
  });

  test('equal timestamps count as in order', async () => {
    const c = ordered();
    expect(await engine.observe('t1', [cmd('recon_cmd_b', 'b', 5), cmd('recon_cmd_a', 'a', 5), cmd('recon_cmd_c', 'c', 6)], [c], LATER)).toHaveLength(1);
  });

  test('the whole sequence must fit in the timespan', async () => {
    const c = ordered();
    expect(await engine.observe('t1', [cmd('recon_cmd_a', 'a', 0), cmd('recon_cmd_b', 'b', 200), cmd('recon_cmd_c', 'c', 300.5)], [c], LATER)).toEqual([]);
    // a second "a" inside the window makes a sequence that fits
    expect(windows(await engine.observe('t1', [cmd('recon_cmd_a', 'a2', 100)], [c], LATER))).toEqual([['["bob"]', 100, 300.5]]);
  });
});

describe('aliases (the specification example)', () => {
  const c = compiled({
    title: 'Error followed by connection',
    id: 'alias-example',
    correlation: SPEC_ALIAS_CORRELATION,
  });

  test('groups events whose addresses sit in opposite fields', async () => {
    const alerts = await engine.observe(
      't1',
      [
        match('internal_error', 'http500', 0, { 'destination.ip': '10.0.0.5', 'source.ip': '198.51.100.7' }),
        match('new_network_connection', 'conn-other', 3, { 'source.ip': '10.0.0.5', 'destination.ip': '203.0.113.9' }),
        match('new_network_connection', 'conn', 4, { 'source.ip': '10.0.0.5', 'destination.ip': '198.51.100.7' }),
      ],
      [c],
      LATER,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ eventIds: ['http500', 'conn'], groupValues: { internal_ip: '10.0.0.5', remote_ip: '198.51.100.7' } });
  });
});

describe('chaining (the specification example: failed logins followed by a success)', () => {
  const inner = compiled({
    title: 'Multiple failed logons',
    id: 'a8418a5a-5fc4-46b5-b23b-6c73beb19d41',
    name: 'multiple_failed_login',
    correlation: { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '10m', condition: { gte: 3 } },
  });
  const outer = compiled({
    title: 'Correlation - Multiple Failed Logins Followed by Successful Login',
    id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
    level: 'high',
    correlation: { type: 'temporal_ordered', rules: ['multiple_failed_login', 'successful_login'], 'group-by': ['User'], timespan: '10m' },
  });
  const login = (rule: string, id: string, s: number, user: string) => match(rule, `${user}-${id}`, s, { User: user });

  test('the inner alert feeds the outer correlation inside the same call', async () => {
    const alerts = await engine.observe(
      'chain-1',
      [login('failed_login', 'f1', 0, 'ann'), login('failed_login', 'f2', 10, 'ann'), login('failed_login', 'f3', 20, 'ann'), login('successful_login', 's1', 30, 'ann')],
      [inner, outer],
      LATER,
    );
    expect(alerts.map((a) => a.correlationId)).toEqual([inner.id, outer.id]);
    const [innerAlert, outerAlert] = alerts;
    expect(outerAlert).toMatchObject({ level: 'high', groupValues: { User: 'ann' }, windowStart: at(20), windowEnd: at(30) });
    expect(outerAlert.eventIds).toEqual([innerAlert.dedupKey, 'ann-s1']);
    // generate is false (the default): the inner correlation only feeds the outer one
    expect(alerts.map((a) => a.standalone)).toEqual([false, true]);
  });

  test('with generate: true on the outer correlation, inner alerts stand on their own too', async () => {
    const generating = compiled({
      title: 'Failed logins then success (generating)',
      id: 'generating-outer',
      correlation: { type: 'temporal_ordered', rules: ['multiple_failed_login', 'successful_login'], 'group-by': ['User'], timespan: '10m', generate: true },
    });
    const alerts = await engine.observe(
      'chain-4',
      [login('failed_login', 'f1', 0, 'dan'), login('failed_login', 'f2', 1, 'dan'), login('failed_login', 'f3', 2, 'dan'), login('successful_login', 's1', 3, 'dan')],
      [inner, generating],
      LATER,
    );
    expect(alerts.map((a) => [a.correlationId, a.standalone])).toEqual([
      [inner.id, true],
      [generating.id, true],
    ]);
  });

  test('the outer correlation waits for the success that arrives in a later call; a success before the failures does not count', async () => {
    expect(await engine.observe('chain-2', [login('successful_login', 's0', 0, 'ben')], [inner, outer], LATER)).toEqual([]);
    const innerOnly = await engine.observe('chain-2', [login('failed_login', 'f1', 1, 'ben'), login('failed_login', 'f2', 2, 'ben'), login('failed_login', 'f3', 3, 'ben')], [inner, outer], LATER);
    expect(innerOnly.map((a) => a.correlationId)).toEqual([inner.id]);
    const outerAlerts = await engine.observe('chain-2', [login('successful_login', 's1', 100, 'ben')], [inner, outer], LATER);
    expect(outerAlerts.map((a) => a.correlationId)).toEqual([outer.id]);
  });

  test('with a tolerance, sweep decides the inner window and feeds the outer one in the same call', async () => {
    const tolerant = createCorrelationEngine({ redis, prefix: ctx.prefix, toleranceSeconds: 5 });
    const observed = await tolerant.observe(
      'chain-3',
      [login('failed_login', 'f1', 0, 'cat'), login('failed_login', 'f2', 1, 'cat'), login('failed_login', 'f3', 2, 'cat'), login('successful_login', 's1', 3, 'cat')],
      [inner, outer],
      LATER,
    );
    expect(observed).toEqual([]);
    const swept = await tolerant.sweep('chain-3', [inner, outer], at(10));
    expect(swept.map((a) => [a.correlationId, a.windowStart.getTime(), a.windowEnd.getTime()])).toEqual([
      [inner.id, at(0).getTime(), at(2).getTime()],
      [outer.id, at(2).getTime(), at(3).getTime()],
    ]);
    expect(await tolerant.sweep('chain-3', [inner, outer], at(20))).toEqual([]);
  });
});
