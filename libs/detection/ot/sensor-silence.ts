// Sensor silence: a sensor that stopped sending is a blind spot (a broken tap, a stopped Zeek, or
// someone hiding their tracks). Evaluated on a schedule, not per event.

import { OtFinding, OtSettings, SEVERITY_ORDER } from './ot-types';

export interface SensorHeartbeat {
  id: string;
  name: string;
  lastEventAt: Date | null;
  /** How often the sensor normally sends; missing or not positive uses the tenant default. */
  expectedIntervalSeconds: number | null;
  /** When the sensor was registered: a sensor that never reported is silent only after its grace. */
  createdAt?: Date | null;
}

export const DEFAULT_EXPECTED_INTERVAL_SECONDS = 900;
export const DEFAULT_MISSED_INTERVALS = 2;

/** "2 h 5 min", "45 s", "3 d 4 h". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m && !d) parts.push(`${m} min`);
  if (parts.length === 0) parts.push(`${s % 60} s`);
  return parts.join(' ');
}

/**
 * Sensors that have sent nothing for `missedIntervals` × their expected interval (default 2 × 15 min).
 * `settings` is the tenant's OT settings (the detection can be disabled or its severity fixed there).
 */
export function silentSensors(sensors: SensorHeartbeat[], now: Date, settings?: OtSettings | null): OtFinding[] {
  const setting = settings?.detections?.sensor_silence;
  if (setting?.enabled === false) return [];
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) return [];
  const configuredDefault = settings?.sensorSilence?.defaultExpectedIntervalSeconds;
  const defaultInterval = configuredDefault && configuredDefault > 0 ? configuredDefault : DEFAULT_EXPECTED_INTERVAL_SECONDS;
  const configuredMissed = settings?.sensorSilence?.missedIntervals;
  const missed = configuredMissed && configuredMissed >= 1 ? configuredMissed : DEFAULT_MISSED_INTERVALS;
  const severity = setting?.severity && SEVERITY_ORDER.includes(setting.severity) ? setting.severity : 'MEDIUM';

  const findings: OtFinding[] = [];
  for (const sensor of sensors ?? []) {
    const interval =
      typeof sensor.expectedIntervalSeconds === 'number' && sensor.expectedIntervalSeconds > 0
        ? sensor.expectedIntervalSeconds
        : defaultInterval;
    const thresholdMs = interval * missed * 1000;
    const last = sensor.lastEventAt instanceof Date && !Number.isNaN(sensor.lastEventAt.getTime()) ? sensor.lastEventAt : null;
    const since = last ?? (sensor.createdAt instanceof Date ? sensor.createdAt : null);
    const silentMs = since ? now.getTime() - since.getTime() : Number.POSITIVE_INFINITY;
    if (silentMs < thresholdMs) continue;
    const title = last
      ? `Sensor ${sensor.name} has sent no events for ${formatDuration(silentMs / 1000)} (expected every ${formatDuration(interval)})`
      : `Sensor ${sensor.name} has never sent an event` +
        (since ? ` since it was registered ${formatDuration(silentMs / 1000)} ago` : '');
    findings.push({
      detection: 'sensor_silence',
      severity,
      title,
      // A silent sensor is a visibility gap, not evidence of a particular technique.
      techniques: [],
      assetIds: [],
      targetAssetId: null,
      srcIp: null,
      dstIp: null,
      fromZoneId: null,
      toZoneId: null,
      groupingEntity: `sensor:${sensor.id}`,
      details: {
        sensorId: sensor.id,
        sensorName: sensor.name,
        lastEventAt: last ? last.toISOString() : null,
        silentSeconds: Number.isFinite(silentMs) ? Math.floor(silentMs / 1000) : null,
        expectedIntervalSeconds: interval,
        missedIntervals: missed,
      },
    });
  }
  return findings;
}
