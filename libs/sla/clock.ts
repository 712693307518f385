// The SLA clock of one incident as an immutable state and pure transitions.
// Definitions are written out in docs/sla.md; time is always passed in.
import { BusinessTime, businessTime, SlaCalendar, validateCalendar } from './calendar';

export interface SlaPolicyTargets {
  ackSeconds: number;
  resolveSeconds: number;
  calendar: SlaCalendar;
  /** Statuses during which the resolve clock pauses. Default ['AWAITING_CUSTOMER']. */
  pauseStatuses?: string[];
  /** Fraction of a target after which a warning is due. Default 0.8. */
  warnFraction?: number;
}

export interface ResolvedSlaPolicy {
  readonly ackSeconds: number;
  readonly resolveSeconds: number;
  readonly calendar: SlaCalendar;
  readonly pauseStatuses: readonly string[];
  readonly warnFraction: number;
}

/** Statuses that stop the resolve clock (the incident is done). */
export const SLA_RESOLVED_STATUSES: readonly string[] = ['RESOLVED', 'CLOSED', 'FALSE_POSITIVE'];

export interface SlaPause {
  readonly from: Date;
  /** null while the pause is still running. */
  readonly to: Date | null;
}

export interface SlaClockState {
  readonly policy: ResolvedSlaPolicy;
  readonly createdAt: Date;
  readonly status: string;
  /** First acknowledgement; later ones do not move it. */
  readonly acknowledgedAt: Date | null;
  readonly resolvedAt: Date | null;
  /** Stopped periods of the resolve clock: pause statuses, and resolved spells before a reopen. */
  readonly pauses: readonly SlaPause[];
}

export interface SlaSnapshot {
  acknowledgeDueAt: Date;
  resolveDueAt: Date;
  acknowledgeWarnAt: Date;
  resolveWarnAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  acknowledgeBreached: boolean;
  resolveBreached: boolean;
  paused: boolean;
  /** Business seconds left on the running clock (ack until acknowledged, then resolve); negative when overdue; null when both clocks stopped. */
  remainingSeconds: number | null;
  timeToAcknowledgeSeconds: number | null;
  timeToResolveSeconds: number | null;
  /** The next future instant at which a warning or breach of a running clock falls due; null if none (e.g. paused or stopped). */
  nextDeadlineAt: Date | null;
}

export type SlaResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function validateSlaPolicy(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return ['policy must be an object'];
  const p = input as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of ['ackSeconds', 'resolveSeconds'] as const) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) errors.push(`policy.${key} must be a finite number >= 0, got ${JSON.stringify(v)}`);
  }
  if (p.warnFraction !== undefined) {
    const w = p.warnFraction;
    if (typeof w !== 'number' || !(w > 0 && w <= 1)) errors.push(`policy.warnFraction must be a number in (0, 1], got ${JSON.stringify(w)}`);
  }
  if (p.pauseStatuses !== undefined && (!Array.isArray(p.pauseStatuses) || p.pauseStatuses.some((s) => typeof s !== 'string'))) {
    errors.push('policy.pauseStatuses must be an array of status names');
  }
  errors.push(...validateCalendar(p.calendar).map((e) => `policy.${e}`));
  return errors;
}

function resolvePolicy(policy: SlaPolicyTargets): SlaResult<ResolvedSlaPolicy> {
  const errors = validateSlaPolicy(policy);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ackSeconds: policy.ackSeconds,
      resolveSeconds: policy.resolveSeconds,
      calendar: policy.calendar,
      pauseStatuses: [...(policy.pauseStatuses ?? ['AWAITING_CUSTOMER'])],
      warnFraction: policy.warnFraction ?? 0.8,
    },
  };
}

const isValidDate = (d: unknown): d is Date => d instanceof Date && Number.isFinite(d.getTime());
const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** Whether the resolve clock should be stopped in this status under this policy. */
function stopsResolveClock(policy: ResolvedSlaPolicy, status: string): boolean {
  return policy.pauseStatuses.includes(status);
}

function openPause(state: SlaClockState): SlaPause | undefined {
  const last = state.pauses[state.pauses.length - 1];
  return last && last.to === null ? last : undefined;
}

function withPauseClosed(pauses: readonly SlaPause[], at: Date): SlaPause[] {
  return pauses.map((p) => (p.to === null ? { from: p.from, to: later(at, p.from) } : p));
}

/** Start the clock of a new incident. Status defaults to 'NEW'. */
export function createSlaClock(input: { policy: SlaPolicyTargets; createdAt: Date; status?: string }): SlaResult<SlaClockState> {
  const policy = resolvePolicy(input.policy);
  if (!policy.ok) return policy;
  if (!isValidDate(input.createdAt)) return { ok: false, errors: ['createdAt must be a valid Date'] };
  const status = input.status ?? 'NEW';
  let state: SlaClockState = { policy: policy.value, createdAt: input.createdAt, status: 'NEW', acknowledgedAt: null, resolvedAt: null, pauses: [] };
  if (status !== 'NEW') state = changeSlaStatus(state, status, input.createdAt);
  return { ok: true, value: state };
}

/** Record an acknowledgement; only the first one counts. Times before creation count as creation. */
export function acknowledgeSla(state: SlaClockState, at: Date): SlaClockState {
  if (state.acknowledgedAt !== null || !isValidDate(at)) return state;
  return { ...state, acknowledgedAt: later(at, state.createdAt) };
}

/**
 * Apply a status change at `at`. Entering a pause status starts a pause; leaving it ends one.
 * Entering a resolved status stops the clocks; leaving it (reopen) resumes the resolve clock,
 * counting the resolved spell as stopped time. Apply changes in time order.
 */
export function changeSlaStatus(state: SlaClockState, status: string, at: Date): SlaClockState {
  if (!isValidDate(at)) return state;
  const when = later(at, state.createdAt);
  const wasResolved = state.resolvedAt !== null;
  const nowResolved = SLA_RESOLVED_STATUSES.includes(status);
  let pauses: SlaPause[] = [...state.pauses];
  let resolvedAt = state.resolvedAt;

  if (nowResolved && !wasResolved) {
    pauses = withPauseClosed(pauses, when);
    resolvedAt = when;
  } else if (!nowResolved && wasResolved) {
    // Reopened: the clock was stopped from resolution until now.
    pauses.push({ from: state.resolvedAt!, to: later(when, state.resolvedAt!) });
    resolvedAt = null;
  }
  if (!nowResolved) {
    const shouldPause = stopsResolveClock(state.policy, status);
    const running = pauses.length > 0 && pauses[pauses.length - 1].to === null;
    if (shouldPause && !running) pauses.push({ from: when, to: null });
    if (!shouldPause && running) pauses = withPauseClosed(pauses, when);
  }
  return { ...state, status, resolvedAt, pauses };
}

/**
 * Re-target after a severity change: the new severity's policy replaces the old one and its
 * targets are measured from the incident's creation. Pauses keep their real instants, so they are
 * re-measured in the new calendar. `at` is when the change happened (a pause may start or end
 * if the new policy pauses on different statuses).
 */
export function retargetSla(state: SlaClockState, policy: SlaPolicyTargets, at: Date): SlaResult<SlaClockState> {
  const resolved = resolvePolicy(policy);
  if (!resolved.ok) return resolved;
  if (!isValidDate(at)) return { ok: false, errors: ['at must be a valid Date'] };
  const next: SlaClockState = { ...state, policy: resolved.value };
  if (next.resolvedAt !== null) return { ok: true, value: next };
  const when = later(at, state.createdAt);
  const running = openPause(next) !== undefined;
  const shouldPause = stopsResolveClock(next.policy, next.status);
  if (shouldPause && !running) return { ok: true, value: { ...next, pauses: [...next.pauses, { from: when, to: null }] } };
  if (!shouldPause && running) return { ok: true, value: { ...next, pauses: withPauseClosed(next.pauses, when) } };
  return { ok: true, value: next };
}

/** Business seconds of stopped time up to `until` (pauses clipped to it). */
function pausedSecondsUntil(state: SlaClockState, until: Date, time: BusinessTime): number {
  let total = 0;
  for (const p of state.pauses) {
    const from = p.from.getTime();
    const to = Math.min(p.to === null ? until.getTime() : p.to.getTime(), until.getTime());
    if (to > from) total += time.between(p.from, new Date(to));
  }
  return total;
}

/**
 * The clock as seen at `now`. A running clock is breached from its due instant on (now >= due);
 * a stopped clock is breached if it stopped after its due instant (meeting the due instant exactly is on time).
 * Resolution also stops the acknowledge clock.
 */
export function slaSnapshot(state: SlaClockState, now: Date): SlaSnapshot {
  const { policy, createdAt } = state;
  if (!isValidDate(now)) throw new RangeError('slaSnapshot: now must be a valid Date');
  const time = businessTime(policy.calendar);
  const nowMs = now.getTime();
  // Events recorded after `now` are not yet visible.
  const ackAt = state.acknowledgedAt && state.acknowledgedAt.getTime() <= nowMs ? state.acknowledgedAt : null;
  const resolvedAt = state.resolvedAt && state.resolvedAt.getTime() <= nowMs ? state.resolvedAt : null;
  const resolveEnd = resolvedAt ?? now;
  const pausedSeconds = pausedSecondsUntil(state, resolveEnd, time);
  const pause = openPause(state);
  const paused = resolvedAt === null && pause !== undefined && pause.from.getTime() <= nowMs;

  const acknowledgeDueAt = time.add(createdAt, policy.ackSeconds);
  const acknowledgeWarnAt = time.add(createdAt, policy.ackSeconds * policy.warnFraction);
  const resolveDueAt = time.add(createdAt, policy.resolveSeconds + pausedSeconds);
  const resolveWarnAt = time.add(createdAt, policy.resolveSeconds * policy.warnFraction + pausedSeconds);

  // Whichever came first stops the acknowledge clock (an acknowledgement after resolution changes nothing).
  const ackStop = ackAt && resolvedAt ? (ackAt.getTime() <= resolvedAt.getTime() ? ackAt : resolvedAt) : (ackAt ?? resolvedAt);
  const acknowledgeBreached = ackStop ? ackStop.getTime() > acknowledgeDueAt.getTime() : nowMs >= acknowledgeDueAt.getTime();
  const resolveBreached = resolvedAt ? resolvedAt.getTime() > resolveDueAt.getTime() : nowMs >= resolveDueAt.getTime();

  const elapsed = time.between(createdAt, later(now, createdAt));
  let remainingSeconds: number | null = null;
  if (ackStop === null) remainingSeconds = policy.ackSeconds - elapsed;
  else if (resolvedAt === null) remainingSeconds = policy.resolveSeconds - (elapsed - pausedSeconds);

  const future: Date[] = [];
  if (ackStop === null) future.push(acknowledgeWarnAt, acknowledgeDueAt);
  if (resolvedAt === null && !paused) future.push(resolveWarnAt, resolveDueAt);
  const upcoming = future.filter((d) => d.getTime() > nowMs).sort((a, b) => a.getTime() - b.getTime());

  return {
    acknowledgeDueAt,
    resolveDueAt,
    acknowledgeWarnAt,
    resolveWarnAt,
    acknowledgedAt: ackAt,
    resolvedAt,
    acknowledgeBreached,
    resolveBreached,
    paused,
    remainingSeconds,
    timeToAcknowledgeSeconds: ackAt ? time.between(createdAt, ackAt) : null,
    timeToResolveSeconds: resolvedAt ? time.between(createdAt, resolvedAt) - pausedSeconds : null,
    nextDeadlineAt: upcoming[0] ?? null,
  };
}
