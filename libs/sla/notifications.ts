// Which SLA notifications (warning, breach) are due for one incident, each with an idempotency
// key, so the worker's `sla` job can run any number of times and notify once.
import { SlaClockState, slaSnapshot } from './clock';

const earliest = (a: Date | null, b: Date | null): Date | null => (a && b ? (a.getTime() <= b.getTime() ? a : b) : (a ?? b));

export type SlaClockName = 'acknowledge' | 'resolve';

export interface SlaNotification {
  type: 'sla.warning' | 'sla.breached';
  clock: SlaClockName;
  /** When the threshold was crossed (the warn or due instant). */
  at: Date;
  /** `sla:<incident>:<clock>:<warning|breached>:<targetSeconds>`: a re-target to another target may notify again. */
  idempotencyKey: string;
}

/**
 * Notifications due at `now` that are not in `alreadySent`, oldest first. A stopped clock
 * produces none, except a breach that happened before it stopped but was not yet notified. A
 * warning whose breach is also due is skipped: the breach says more.
 */
export function slaNotificationsDue(incidentId: string, state: SlaClockState, now: Date, alreadySent: ReadonlySet<string>): SlaNotification[] {
  const snap = slaSnapshot(state, now);
  const nowMs = now.getTime();
  const out: SlaNotification[] = [];
  const clocks: Array<{ clock: SlaClockName; warnAt: Date; dueAt: Date; stoppedAt: Date | null; target: number }> = [
    { clock: 'acknowledge', warnAt: snap.acknowledgeWarnAt, dueAt: snap.acknowledgeDueAt, stoppedAt: earliest(snap.acknowledgedAt, snap.resolvedAt), target: state.policy.ackSeconds },
    { clock: 'resolve', warnAt: snap.resolveWarnAt, dueAt: snap.resolveDueAt, stoppedAt: snap.resolvedAt, target: state.policy.resolveSeconds },
  ];
  for (const { clock, warnAt, dueAt, stoppedAt, target } of clocks) {
    const key = (kind: string) => `sla:${encodeURIComponent(incidentId)}:${clock}:${kind}:${target}`;
    const stopMs = stoppedAt ? stoppedAt.getTime() : Infinity;
    // Paused resolve clocks keep moving their due instants later, so they never reach them while paused.
    const breached = dueAt.getTime() <= nowMs && dueAt.getTime() < stopMs;
    const warned = warnAt.getTime() <= nowMs && warnAt.getTime() < stopMs;
    if (breached) {
      if (!alreadySent.has(key('breached'))) out.push({ type: 'sla.breached', clock, at: dueAt, idempotencyKey: key('breached') });
    } else if (warned && !alreadySent.has(key('warning'))) {
      out.push({ type: 'sla.warning', clock, at: warnAt, idempotencyKey: key('warning') });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}
