import { formatDuration, silentSensors, SensorHeartbeat } from './sensor-silence';

const now = new Date('2026-03-02T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const sensor = (over: Partial<SensorHeartbeat>): SensorHeartbeat => ({
  id: 's-1',
  name: 'Plant A Zeek',
  lastEventAt: minutesAgo(1),
  expectedIntervalSeconds: 300,
  ...over,
});

describe('silentSensors', () => {
  test('silent after two expected intervals, not before', () => {
    expect(silentSensors([sensor({ lastEventAt: minutesAgo(9) })], now)).toEqual([]);
    const [f] = silentSensors([sensor({ lastEventAt: minutesAgo(125) })], now);
    expect(f).toMatchObject({ detection: 'sensor_silence', severity: 'MEDIUM', groupingEntity: 'sensor:s-1', techniques: [] });
    expect(f.title).toBe('Sensor Plant A Zeek has sent no events for 2 h 5 min (expected every 5 min)');
    expect(f.details).toMatchObject({ silentSeconds: 7500, expectedIntervalSeconds: 300, missedIntervals: 2 });
  });

  test('exactly at the threshold counts as silent', () => {
    expect(silentSensors([sensor({ lastEventAt: minutesAgo(10) })], now)).toHaveLength(1);
  });

  test('missing interval uses the tenant default, then the built-in 15 min', () => {
    const s = sensor({ expectedIntervalSeconds: null, lastEventAt: minutesAgo(40) });
    expect(silentSensors([s], now)).toHaveLength(1); // 2 × 15 min
    expect(silentSensors([s], now, { sensorSilence: { defaultExpectedIntervalSeconds: 3600 } })).toEqual([]);
    expect(silentSensors([s], now, { sensorSilence: { defaultExpectedIntervalSeconds: 3600, missedIntervals: 0.5 } })).toEqual([]);
  });

  test('tenant settings: missed intervals, severity, disabled', () => {
    const s = sensor({ lastEventAt: minutesAgo(12) });
    expect(silentSensors([s], now, { sensorSilence: { missedIntervals: 3 } })).toEqual([]);
    expect(silentSensors([s], now, { detections: { sensor_silence: { severity: 'HIGH' } } })[0].severity).toBe('HIGH');
    expect(silentSensors([s], now, { detections: { sensor_silence: { enabled: false } } })).toEqual([]);
  });

  test('a sensor that never reported: silent after the grace from registration, or at once when unknown', () => {
    expect(silentSensors([sensor({ lastEventAt: null, createdAt: minutesAgo(3) })], now)).toEqual([]);
    const [late] = silentSensors([sensor({ lastEventAt: null, createdAt: minutesAgo(60) })], now);
    expect(late.title).toBe('Sensor Plant A Zeek has never sent an event since it was registered 1 h ago');
    const [unknown] = silentSensors([sensor({ lastEventAt: null })], now);
    expect(unknown.title).toBe('Sensor Plant A Zeek has never sent an event');
    expect(unknown.details.silentSeconds).toBeNull();
  });

  test('only the silent ones out of many, in input order', () => {
    const out = silentSensors(
      [sensor({ id: 'a', lastEventAt: minutesAgo(60) }), sensor({ id: 'b' }), sensor({ id: 'c', lastEventAt: minutesAgo(11) })],
      now,
    );
    expect(out.map((f) => f.details.sensorId)).toEqual(['a', 'c']);
  });

  test('an invalid clock gives no findings rather than throwing', () => {
    expect(silentSensors([sensor({})], new Date('x'))).toEqual([]);
  });
});

test.each([
  [45, '45 s'],
  [300, '5 min'],
  [7500, '2 h 5 min'],
  [3 * 86400 + 4 * 3600 + 60, '3 d 4 h'],
  [-5, '0 s'],
])('formatDuration(%d) = %s', (s, text) => {
  expect(formatDuration(s)).toBe(text);
});
