// Escalation planning: which pages are due now for one incident, and when to look again.
// Pure: the caller passes `now` and the idempotency keys of pages already sent; it sends the
// returned pages (each key at most once) and schedules a delayed job at `nextDueAt`.
import type { Severity } from './pagerduty';

export const SEVERITY_ORDER: readonly Severity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const RESOLVED_STATUSES = ['RESOLVED', 'CLOSED', 'FALSE_POSITIVE'];
/** How long the last level waits before a repeat round when the policy cannot tell (PagerDuty's default escalation delay). */
export const DEFAULT_LAST_LEVEL_WAIT_SECONDS = 30 * 60;

export interface EscalationLevel {
  /** Seconds after the incident opens (or the escalation restarts) at which this level is paged. */
  delaySeconds: number;
  endpointIds: string[];
}

export interface EscalationPolicy {
  minSeverity: Severity;
  /** How many more times the whole cycle runs after the last level. */
  repeat: number;
  /** If set: an acknowledged but unresolved incident escalates again this long after the acknowledgement. */
  ackTimeoutSeconds?: number;
  /** Seconds from the last level to the next round's start; default: the gap between the last two levels, else 30 min. */
  repeatAfterSeconds?: number;
  levels: EscalationLevel[];
}

export interface EscalationIncident {
  id: string;
  severity: Severity;
  /** When the incident opened (or was reopened: a reopen starts a fresh escalation). */
  openedAt: Date;
  /** The most recent acknowledgement (the ack timeout runs from it). */
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
  status: string;
}

export type PageAction = 'trigger' | 'acknowledge' | 'resolve';
/** What the page means to a receiver: maps to incident.triggered / escalated / acknowledged / resolved. */
export type PageKind = 'triggered' | 'escalated' | 'acknowledged' | 'resolved';

export interface Page {
  idempotencyKey: string;
  endpointId: string;
  action: PageAction;
  kind: PageKind;
  /** Level index and round for triggers; null for acknowledge and resolve. */
  level: number | null;
  round: number | null;
  /** When it became due (<= now). */
  dueAt: Date;
}

export type EscalationPlan = { ok: true; pages: Page[]; nextDueAt: Date | null } | { ok: false; errors: string[] };

export function validateEscalationPolicy(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return ['escalation policy must be an object'];
  const p = input as Record<string, unknown>;
  const errors: string[] = [];
  if (!SEVERITY_ORDER.includes(p.minSeverity as Severity)) errors.push(`minSeverity must be one of ${SEVERITY_ORDER.join(', ')}, got ${JSON.stringify(p.minSeverity)}`);
  if (!Number.isInteger(p.repeat) || (p.repeat as number) < 0 || (p.repeat as number) > 100) errors.push(`repeat must be an integer 0–100, got ${JSON.stringify(p.repeat)}`);
  for (const key of ['ackTimeoutSeconds', 'repeatAfterSeconds'] as const) {
    if (p[key] !== undefined && p[key] !== null && (typeof p[key] !== 'number' || !Number.isFinite(p[key]) || (p[key] as number) <= 0)) {
      errors.push(`${key} must be a positive number of seconds, got ${JSON.stringify(p[key])}`);
    }
  }
  if (!Array.isArray(p.levels) || p.levels.length === 0) {
    errors.push('levels must be a non-empty array');
    return errors;
  }
  let previous = -Infinity;
  p.levels.forEach((raw: unknown, i: number) => {
    const level = (raw ?? {}) as Record<string, unknown>;
    const d = level.delaySeconds;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) errors.push(`levels[${i}].delaySeconds must be a number >= 0, got ${JSON.stringify(d)}`);
    else if (d < previous) errors.push(`levels[${i}].delaySeconds ${d} is before the previous level's ${previous}; order levels by delay`);
    else previous = d;
    if (!Array.isArray(level.endpointIds) || level.endpointIds.length === 0 || level.endpointIds.some((e) => typeof e !== 'string' || e.length === 0)) {
      errors.push(`levels[${i}].endpointIds must be a non-empty array of ids`);
    }
  });
  return errors;
}

const enc = (s: string) => encodeURIComponent(s);
const KEY_PREFIX = 'esc';

/** Parts of an idempotency key made by planEscalation, or null for any other string. */
export function parseEscalationKey(key: string): { incidentId: string; epoch: string; endpointId: string; action: PageAction; round: number | null; level: number | null } | null {
  const parts = key.split(':');
  if (parts[0] !== KEY_PREFIX) return null;
  try {
    if (parts.length === 7 && parts[6] === 'trigger' && /^r\d+$/.test(parts[3]) && /^l\d+$/.test(parts[4])) {
      return { incidentId: decodeURIComponent(parts[1]), epoch: parts[2], round: Number(parts[3].slice(1)), level: Number(parts[4].slice(1)), endpointId: decodeURIComponent(parts[5]), action: 'trigger' };
    }
    if (parts.length === 5 && (parts[4] === 'acknowledge' || parts[4] === 'resolve')) {
      return { incidentId: decodeURIComponent(parts[1]), epoch: parts[2], round: null, level: null, endpointId: decodeURIComponent(parts[3]), action: parts[4] };
    }
  } catch {
    return null; // malformed percent-encoding
  }
  return null;
}

function cycleSeconds(policy: EscalationPolicy): number {
  const delays = policy.levels.map((l) => l.delaySeconds);
  const last = delays[delays.length - 1];
  const gap = delays.length >= 2 ? last - delays[delays.length - 2] : 0;
  const wait = policy.repeatAfterSeconds ?? (gap > 0 ? gap : DEFAULT_LAST_LEVEL_WAIT_SECONDS);
  return last + wait;
}

const ms = (d: Date) => d.getTime();

/**
 * Pages due at `now` and the next instant something else becomes due.
 *
 * - Level i of round r fires at start + r·cycle + delay_i, while the incident is neither
 *   acknowledged nor resolved; rounds 0..repeat. `start` is openedAt, or, once an acknowledgement
 *   has timed out (ackTimeoutSeconds), acknowledgedAt + ackTimeoutSeconds (an "epoch").
 * - If the planner runs late, due levels of the current round are all sent; levels of rounds
 *   already superseded by a later one are skipped (their moment has passed).
 * - An acknowledgement stops further levels and sends 'acknowledge' to endpoints paged before it.
 * - Resolution sends 'resolve' to every endpoint paged, once.
 * - Below minSeverity nothing new is triggered (acknowledge/resolve still reach endpoints already paged).
 */
export function planEscalation(input: { policy: EscalationPolicy; incident: EscalationIncident; now: Date; alreadySent: ReadonlySet<string> }): EscalationPlan {
  const { policy, incident, now, alreadySent } = input;
  const errors = validateEscalationPolicy(policy);
  if (!incident || typeof incident.id !== 'string' || incident.id.length === 0) errors.push('incident.id is required');
  else {
    if (!(incident.openedAt instanceof Date) || !Number.isFinite(ms(incident.openedAt))) errors.push('incident.openedAt must be a valid Date');
    if (!SEVERITY_ORDER.includes(incident.severity)) errors.push(`incident.severity must be one of ${SEVERITY_ORDER.join(', ')}, got ${JSON.stringify(incident.severity)}`);
  }
  if (!(now instanceof Date) || !Number.isFinite(ms(now))) errors.push('now must be a valid Date');
  if (errors.length > 0) return { ok: false, errors };

  const nowMs = ms(now);
  const openMs = ms(incident.openedAt);
  const incidentKey = enc(incident.id);
  // Events dated after `now` have not happened yet from the planner's point of view.
  const seen = (d: Date | null | undefined) => (d instanceof Date && Number.isFinite(ms(d)) && ms(d) <= nowMs ? d : null);
  // Acknowledgements and resolutions from before a reopen belong to the previous spell.
  const thisSpell = (d: Date | null) => (d && ms(d) >= openMs ? d : null);
  const ackAt = thisSpell(seen(incident.acknowledgedAt));
  // A resolution time of this spell is authoritative (even if still ahead of now); a resolved
  // status without one counts as resolved now.
  const rawResolved = incident.resolvedAt instanceof Date && Number.isFinite(ms(incident.resolvedAt)) && ms(incident.resolvedAt) >= openMs ? incident.resolvedAt : null;
  const resolvedAt = rawResolved ? seen(rawResolved) : RESOLVED_STATUSES.includes(incident.status) ? now : null;
  const escalates = SEVERITY_ORDER.indexOf(incident.severity) >= SEVERITY_ORDER.indexOf(policy.minSeverity);

  // Endpoints already paged in this open spell (a reopen has a new openedAt, hence new epochs).
  const paged = new Map<string, Set<string>>(); // endpoint → epochs it was triggered in
  for (const key of alreadySent) {
    const k = parseEscalationKey(key);
    if (!k || k.action !== 'trigger' || k.incidentId !== incident.id) continue;
    if (k.epoch !== `o${openMs}` && !k.epoch.startsWith(`o${openMs}a`)) continue;
    if (!paged.has(k.endpointId)) paged.set(k.endpointId, new Set());
    paged.get(k.endpointId)!.add(k.epoch);
  }

  const pages: Page[] = [];
  const push = (page: Page) => {
    if (!alreadySent.has(page.idempotencyKey) && !pages.some((p) => p.idempotencyKey === page.idempotencyKey)) pages.push(page);
  };

  if (resolvedAt) {
    for (const endpointId of paged.keys()) {
      push({ idempotencyKey: `${KEY_PREFIX}:${incidentKey}:o${openMs}:${enc(endpointId)}:resolve`, endpointId, action: 'resolve', kind: 'resolved', level: null, round: null, dueAt: resolvedAt });
    }
    return { ok: true, pages, nextDueAt: null };
  }

  const ackTimeoutMs = policy.ackTimeoutSeconds ? policy.ackTimeoutSeconds * 1000 : null;
  let epoch: { id: string; startMs: number } | null = null;
  let upcomingEpochStart: number | null = null;
  if (!ackAt) {
    epoch = { id: `o${openMs}`, startMs: openMs };
  } else {
    const ackMs = ms(ackAt);
    const ackEpoch = `o${openMs}a${ackMs}`;
    // Tell every endpoint paged before this acknowledgement.
    for (const [endpointId, epochs] of paged) {
      if ([...epochs].some((e) => e !== ackEpoch)) {
        push({ idempotencyKey: `${KEY_PREFIX}:${incidentKey}:a${ackMs}:${enc(endpointId)}:acknowledge`, endpointId, action: 'acknowledge', kind: 'acknowledged', level: null, round: null, dueAt: new Date(ackMs) });
      }
    }
    if (ackTimeoutMs !== null) {
      const restart = ackMs + ackTimeoutMs;
      if (restart <= nowMs) epoch = { id: ackEpoch, startMs: restart };
      else upcomingEpochStart = restart;
    }
  }

  let nextDueAt: number | null = null;
  if (escalates) {
    const cycleMs = cycleSeconds(policy) * 1000;
    const firstDelayMs = policy.levels[0].delaySeconds * 1000;
    if (epoch) {
      const { id, startMs } = epoch;
      const restart = id !== `o${openMs}`;
      // The latest round that has started (its first level is due); earlier rounds are superseded.
      const started = Math.floor((nowMs - startMs - firstDelayMs) / cycleMs);
      const currentRound = Math.min(Math.max(started, 0), policy.repeat);
      for (let round = currentRound; round <= policy.repeat; round++) {
        policy.levels.forEach((level, li) => {
          const due = startMs + round * cycleMs + level.delaySeconds * 1000;
          for (const endpointId of level.endpointIds) {
            const idempotencyKey = `${KEY_PREFIX}:${incidentKey}:${id}:r${round}:l${li}:${enc(endpointId)}:trigger`;
            if (due <= nowMs) {
              const kind: PageKind = round === 0 && li === 0 && !restart ? 'triggered' : 'escalated';
              push({ idempotencyKey, endpointId, action: 'trigger', kind, level: li, round, dueAt: new Date(due) });
            } else if (!alreadySent.has(idempotencyKey) && (nextDueAt === null || due < nextDueAt)) {
              nextDueAt = due;
            }
          }
        });
        if (nextDueAt !== null) break; // later rounds only come after this one
      }
    } else if (upcomingEpochStart !== null) {
      nextDueAt = upcomingEpochStart + firstDelayMs;
    }
  }

  pages.sort((a, b) => ms(a.dueAt) - ms(b.dueAt) || a.idempotencyKey.localeCompare(b.idempotencyKey));
  return { ok: true, pages, nextDueAt: nextDueAt === null ? null : new Date(nextDueAt) };
}
