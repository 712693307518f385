import { generateApiKey } from '@watchfloor/sensors';
import type { TenantDb } from '@watchfloor/tenancy';
import { bearerToken, SensorKeyAuthenticator } from './sensor-key-authenticator';

const TENANT = '11111111-1111-4111-8111-111111111111';
const SENSOR = '22222222-2222-4222-8222-222222222222';

/** A TenantDb double answering the key lookup from an in-memory row (counted). */
function fakeDb(key: ReturnType<typeof generateApiKey>) {
  const state = { lookups: 0, touches: 0, revoked: false as boolean };
  const db = {
    async withScope(scope: { kind: string }, work: (tx: unknown) => Promise<unknown>) {
      return work({
        async query(sql: string, params: unknown[]) {
          if (sql.includes('FROM api_keys k JOIN sensors')) {
            state.lookups++;
            if (params[0] !== key.prefix) return [];
            expect(scope.kind).toBe('all');
            return [{ keyId: 'k1', tenantId: TENANT, sensorId: SENSOR, keyHash: key.hash, revokedAt: state.revoked ? new Date() : null, sensorKind: 'ZEEK', declaredLog: 'conn' }];
          }
          state.touches++;
          return [];
        },
      });
    },
  } as unknown as TenantDb;
  return { db, state };
}

describe('SensorKeyAuthenticator', () => {
  it('finds the sensor of a valid key and caches the answer for the TTL', async () => {
    const key = generateApiKey();
    const { db, state } = fakeDb(key);
    let now = 0;
    const auth = new SensorKeyAuthenticator(db, { cacheSeconds: 5, now: () => now });
    expect(await auth.authenticate(`Bearer ${key.key}`)).toMatchObject({ tenantId: TENANT, sensorId: SENSOR, declaredLog: 'conn' });
    await auth.authenticate(`Bearer ${key.key}`);
    expect(state.lookups).toBe(1);
    state.revoked = true;
    now += 4999;
    expect(await auth.authenticate(`Bearer ${key.key}`)).not.toBeNull();
    now += 2;
    expect(await auth.authenticate(`Bearer ${key.key}`)).toBeNull();
    expect(state.lookups).toBe(2);
  });

  it('caches negative answers too, and never asks the database for a malformed key', async () => {
    const key = generateApiKey();
    const other = generateApiKey();
    const { db, state } = fakeDb(key);
    const auth = new SensorKeyAuthenticator(db, { cacheSeconds: 5, now: () => 0 });
    expect(await auth.authenticate(`Bearer ${other.key}`)).toBeNull();
    expect(await auth.authenticate(`Bearer ${other.key}`)).toBeNull();
    expect(state.lookups).toBe(1);
    expect(await auth.authenticate('Bearer nonsense')).toBeNull();
    expect(await auth.authenticate(undefined)).toBeNull();
    expect(state.lookups).toBe(1);
    // Right prefix, wrong secret.
    const forged = `wfk_${key.prefix}_${other.key.slice('wfk_'.length + key.prefix.length + 1)}`;
    expect(await auth.authenticate(`Bearer ${forged}`)).toBeNull();
    expect(state.lookups).toBe(2);
  });

  it('shares one lookup between concurrent requests and records use at most once per interval', async () => {
    const key = generateApiKey();
    const { db, state } = fakeDb(key);
    let now = 0;
    const auth = new SensorKeyAuthenticator(db, { cacheSeconds: 1, touchIntervalMs: 60000, now: () => now });
    await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(`Bearer ${key.key}`)));
    expect(state.lookups).toBe(1);
    await auth.drain();
    expect(state.touches).toBe(2); // api_keys + sensors, once
    now += 30000;
    await auth.authenticate(`Bearer ${key.key}`);
    await auth.drain();
    expect(state.touches).toBe(2);
    now += 30001;
    await auth.authenticate(`Bearer ${key.key}`);
    await auth.drain();
    expect(state.touches).toBe(4);
  });

  it('bounds the cache', async () => {
    const key = generateApiKey();
    const { db, state } = fakeDb(key);
    const auth = new SensorKeyAuthenticator(db, { cacheSeconds: 60, maxCacheEntries: 3, now: () => 0 });
    const keys = Array.from({ length: 5 }, () => generateApiKey().key);
    for (const k of keys) await auth.authenticate(`Bearer ${k}`);
    await auth.authenticate(`Bearer ${keys[0]}`); // evicted: asked again
    expect(state.lookups).toBe(6);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
