import { createTestRedis, type TestRedis } from '../../test/harness';
import { LoginThrottle } from './login-throttle';

describe('login throttle (Redis counters)', () => {
  let r: TestRedis;
  beforeAll(async () => {
    r = await createTestRedis();
  });
  afterAll(() => r.cleanup());

  it('blocks an account after maxPerAccount failures and clears it on success', async () => {
    const t = new LoginThrottle(r.redis, { keyPrefix: `${r.prefix}:a:`, maxPerAccount: 3, maxPerIp: 100, windowSeconds: 60 });
    for (let i = 0; i < 2; i++) await t.recordFailure('Ana@X.test', '10.0.0.1');
    expect(await t.isBlocked('ana@x.test', '10.0.0.2')).toBe(false);
    await t.recordFailure('ana@x.test', '10.0.0.3');
    expect(await t.isBlocked('ANA@x.test', '10.0.0.9')).toBe(true);
    expect(await t.isBlocked('bob@x.test', '10.0.0.9')).toBe(false);
    await t.recordSuccess('ana@x.test', '10.0.0.1');
    expect(await t.isBlocked('ana@x.test', '10.0.0.1')).toBe(false);
  });

  it('blocks an address spraying many accounts, with a window that later failures do not extend', async () => {
    const t = new LoginThrottle(r.redis, { keyPrefix: `${r.prefix}:b:`, maxPerAccount: 100, maxPerIp: 4, windowSeconds: 60 });
    for (let i = 0; i < 4; i++) await t.recordFailure(`user${i}@x.test`, '192.0.2.7');
    expect(await t.isBlocked('fresh@x.test', '192.0.2.7')).toBe(true);
    expect(await t.isBlocked('fresh@x.test', '192.0.2.8')).toBe(false);
    await r.redis.expire(`${r.prefix}:b:login:ip:192.0.2.7`, 5);
    await t.recordFailure('user9@x.test', '192.0.2.7');
    expect(await r.redis.ttl(`${r.prefix}:b:login:ip:192.0.2.7`)).toBeLessThanOrEqual(5);
  });
});
