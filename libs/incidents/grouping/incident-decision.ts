// Whether a new alert joins an open incident, reopens a recently resolved one, or opens a new one.

import { groupingKey } from './grouping-key';
import { IncidentAlertView, IncidentStatus, normalizeStatus, OPEN_STATUSES } from './incident-types';

export interface OpenIncidentView {
  id: string;
  status: IncidentStatus | string;
  /** Event time of its first and latest alerts. */
  firstAlertAt: Date;
  lastAlertAt: Date;
}

export interface ClosedIncidentView {
  id: string;
  status: IncidentStatus | string;
  /** When it was resolved (for closed and false-positive incidents too, if known). */
  resolvedAt: Date | null;
}

export interface IncidentDecisionInput {
  alert: Pick<IncidentAlertView, 'ruleId' | 'ts' | 'groupingEntity' | 'dstAssetId' | 'srcAssetId' | 'srcIp' | 'dstIp'>;
  openIncidentForKey?: OpenIncidentView | null;
  lastClosedIncidentForKey?: ClosedIncidentView | null;
  windowSeconds: number;
  reopenGraceSeconds: number;
  now: Date;
}

export type IncidentDecision =
  | { action: 'attach'; incidentId: string; groupingKey: string; reasons: string[] }
  | { action: 'reopen'; incidentId: string; groupingKey: string; reasons: string[] }
  | { action: 'open_new'; groupingKey: string; reasons: string[] }
  | { action: 'invalid'; reasons: string[] };

const validDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

/**
 * Rules, in order:
 * 1. An open incident (new, acknowledged, investigating, awaiting_customer, contained) for the
 *    key takes the alert when the alert's time lies within `windowSeconds` of the incident's
 *    alerts: firstAlertAt − window ≤ t ≤ lastAlertAt + window (so the window slides with each
 *    alert, and late-arriving alerts still attach). Otherwise a new incident opens.
 * 2. With no open incident, the last finished incident for the key is reopened when it is
 *    `resolved` and the alert came no later than `reopenGraceSeconds` after its resolution.
 *    `closed` and `false_positive` incidents are never reopened.
 * 3. Otherwise a new incident opens.
 * The alert time is its event time, clamped to `now` so that a sensor clock running ahead
 * cannot stretch a window.
 */
export function decideIncidentForAlert(input: IncidentDecisionInput): IncidentDecision {
  const { alert, windowSeconds, reopenGraceSeconds, now } = input;
  const problems: string[] = [];
  if (!alert || typeof alert.ruleId !== 'string' || alert.ruleId === '') problems.push('alert.ruleId is required');
  if (!alert || !validDate(alert.ts)) problems.push('alert.ts must be a valid date');
  if (!validDate(now)) problems.push('now must be a valid date');
  if (!(Number.isFinite(windowSeconds) && windowSeconds >= 0)) problems.push('windowSeconds must be a number ≥ 0');
  if (!(Number.isFinite(reopenGraceSeconds) && reopenGraceSeconds >= 0)) problems.push('reopenGraceSeconds must be a number ≥ 0');
  if (problems.length > 0) return { action: 'invalid', reasons: problems };

  const key = groupingKey(alert);
  const t = Math.min(alert.ts.getTime(), now.getTime());
  const windowMs = windowSeconds * 1000;
  const reasons: string[] = [];

  const open = input.openIncidentForKey ?? null;
  let closed = input.lastClosedIncidentForKey ?? null;
  if (open) {
    const status = normalizeStatus(open.status);
    if (status && (OPEN_STATUSES as readonly string[]).includes(status)) {
      if (!validDate(open.firstAlertAt) || !validDate(open.lastAlertAt)) {
        return { action: 'invalid', reasons: [`open incident ${open.id} has no valid first/last alert time`] };
      }
      if (t >= open.firstAlertAt.getTime() - windowMs && t <= open.lastAlertAt.getTime() + windowMs) {
        return { action: 'attach', incidentId: open.id, groupingKey: key, reasons: [`within ${windowSeconds} s of open incident ${open.id}'s alerts`] };
      }
      reasons.push(`outside the ${windowSeconds} s window of open incident ${open.id}`);
      // The open incident stays as it is; a window gap means a new episode.
      return { action: 'open_new', groupingKey: key, reasons };
    }
    // Handed an incident that is no longer open: judge it as the last finished one.
    if (!closed && status) closed = { id: open.id, status, resolvedAt: null };
    reasons.push(`incident ${open.id} is ${String(open.status)}, not open`);
  }

  if (closed) {
    const status = normalizeStatus(closed.status);
    if (status === 'closed' || status === 'false_positive') {
      reasons.push(`incident ${closed.id} is ${status} and is never reopened`);
    } else if (status === 'resolved') {
      if (!validDate(closed.resolvedAt)) {
        reasons.push(`incident ${closed.id} is resolved but its resolution time is unknown`);
      } else if (t <= closed.resolvedAt.getTime() + reopenGraceSeconds * 1000) {
        return {
          action: 'reopen',
          incidentId: closed.id,
          groupingKey: key,
          reasons: [...reasons, `within ${reopenGraceSeconds} s of incident ${closed.id}'s resolution`],
        };
      } else {
        reasons.push(`more than ${reopenGraceSeconds} s after incident ${closed.id} was resolved`);
      }
    } else {
      reasons.push(`incident ${closed.id} has status ${String(closed.status)}, which is not finished`);
    }
  }
  if (reasons.length === 0) reasons.push('no incident for this key');
  return { action: 'open_new', groupingKey: key, reasons };
}
