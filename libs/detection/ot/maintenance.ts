// Planned work: control writes and remote access into a zone or asset under an active maintenance
// window are kept (the record matters) but marked and lowered to LOW so they do not page anyone.

import { MaintenanceWindow, OtFinding } from './ot-types';

const MAINTAINABLE = new Set(['control_write', 'remote_access']);

function validTime(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** The window covering `at` for the finding's target zone or asset; the earliest-starting one wins. */
export function maintenanceWindowFor(
  finding: Pick<OtFinding, 'toZoneId' | 'targetAssetId'>,
  windows: MaintenanceWindow[],
  at: Date,
): MaintenanceWindow | null {
  if (!validTime(at)) return null;
  const t = at.getTime();
  let best: MaintenanceWindow | null = null;
  for (const w of windows ?? []) {
    if (!validTime(w.startsAt) || !validTime(w.endsAt)) continue;
    // Half-open [startsAt, endsAt): a window ending at 14:00 does not cover 14:00:00.
    if (t < w.startsAt.getTime() || t >= w.endsAt.getTime()) continue;
    const zoneHit = finding.toZoneId !== null && (w.zoneIds ?? []).includes(finding.toZoneId);
    const assetHit = finding.targetAssetId !== null && (w.assetIds ?? []).includes(finding.targetAssetId);
    if (!zoneHit && !assetHit) continue;
    if (
      !best ||
      w.startsAt.getTime() < best.startsAt.getTime() ||
      (w.startsAt.getTime() === best.startsAt.getTime() && w.id < best.id)
    ) {
      best = w;
    }
  }
  return best;
}

/** What applyMaintenance reads and marks: an OT finding, or another alert viewed as one. */
export type MaintainableFinding = Pick<OtFinding, 'detection' | 'severity' | 'toZoneId' | 'targetAssetId' | 'details' | 'maintenance'>;

/**
 * Returns the finding marked `{ maintenance: { windowId, changeTicket } }` at severity LOW when a
 * window covers its target at `eventTs`; other findings (and other detections) come back unchanged.
 */
export function applyMaintenance<F extends MaintainableFinding>(finding: F, windows: MaintenanceWindow[], eventTs: Date): F {
  if (!MAINTAINABLE.has(finding.detection)) return finding;
  const window = maintenanceWindowFor(finding, windows, eventTs);
  if (!window) return finding;
  return {
    ...finding,
    severity: 'LOW',
    maintenance: { windowId: window.id, changeTicket: window.changeTicket },
    details: { ...finding.details, severityBeforeMaintenance: finding.severity },
  };
}
