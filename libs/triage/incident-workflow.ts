/**
 * The incident status workflow of ARCHITECTURE.md, as data:
 * new → acknowledged → investigating → (awaiting_customer ⇄ investigating) → contained → resolved → closed;
 * resolved and false_positive from any open state; closed only from resolved or false_positive;
 * a resolved incident can be reopened (→ investigating).
 */
export enum IncidentStatus {
  NEW = 'NEW',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  INVESTIGATING = 'INVESTIGATING',
  AWAITING_CUSTOMER = 'AWAITING_CUSTOMER',
  CONTAINED = 'CONTAINED',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
  FALSE_POSITIVE = 'FALSE_POSITIVE',
}

export enum Severity { INFO = 'INFO', LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH', CRITICAL = 'CRITICAL' }

export const OPEN_STATUSES: readonly IncidentStatus[] = [
  IncidentStatus.NEW, IncidentStatus.ACKNOWLEDGED, IncidentStatus.INVESTIGATING, IncidentStatus.AWAITING_CUSTOMER, IncidentStatus.CONTAINED,
];

const FORWARD: Record<IncidentStatus, IncidentStatus[]> = {
  NEW: [IncidentStatus.ACKNOWLEDGED],
  ACKNOWLEDGED: [IncidentStatus.INVESTIGATING],
  INVESTIGATING: [IncidentStatus.AWAITING_CUSTOMER, IncidentStatus.CONTAINED],
  AWAITING_CUSTOMER: [IncidentStatus.INVESTIGATING],
  CONTAINED: [],
  RESOLVED: [IncidentStatus.CLOSED, IncidentStatus.INVESTIGATING],
  FALSE_POSITIVE: [IncidentStatus.CLOSED],
  CLOSED: [],
};

export function isOpen(status: IncidentStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Every status reachable in one step from `from`, in workflow order. */
export function allowedTransitions(from: IncidentStatus): IncidentStatus[] {
  const next = new Set(FORWARD[from]);
  if (isOpen(from)) {
    next.add(IncidentStatus.RESOLVED);
    next.add(IncidentStatus.FALSE_POSITIVE);
  }
  const order = Object.values(IncidentStatus);
  return [...next].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

export type TransitionCheck = { ok: true } | { ok: false; allowed: IncidentStatus[] };

export function checkTransition(from: IncidentStatus, to: IncidentStatus): TransitionCheck {
  const allowed = allowedTransitions(from);
  return allowed.includes(to) ? { ok: true } : { ok: false, allowed };
}

/** Timestamp columns a transition sets or clears (the SLA clocks read them). */
export interface TransitionEffects {
  setAcknowledgedAt: boolean;
  setResolvedAt: boolean;
  clearResolvedAt: boolean;
  setClosedAt: boolean;
  pause: boolean;
  resume: boolean;
}

export function transitionEffects(from: IncidentStatus, to: IncidentStatus): TransitionEffects {
  const resolving = to === IncidentStatus.RESOLVED || to === IncidentStatus.FALSE_POSITIVE;
  return {
    // Any move out of NEW is an acknowledgement (the acknowledge clock stops at the first one).
    setAcknowledgedAt: from === IncidentStatus.NEW,
    setResolvedAt: resolving,
    clearResolvedAt: from === IncidentStatus.RESOLVED && to === IncidentStatus.INVESTIGATING,
    setClosedAt: to === IncidentStatus.CLOSED,
    pause: to === IncidentStatus.AWAITING_CUSTOMER,
    resume: from === IncidentStatus.AWAITING_CUSTOMER,
  };
}
