// A per-endpoint circuit breaker as a pure state machine: closed → open after N consecutive
// failures → half-open once the cooldown has passed → closed on a success (open again on a failure).
import type { DeliveryOutcome } from './delivery-retry';

export interface CircuitState {
  readonly consecutiveFailures: number;
  /** Set while open: no delivery before this instant (ms since epoch); after it, half-open. */
  readonly openUntil: number | null;
  /** How many times in a row the circuit opened; scales the cooldown. */
  readonly openCount: number;
}

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  cooldownMs: number;
  /** Each reopening from half-open doubles the cooldown up to this (default: cooldownMs, no growth). */
  maxCooldownMs?: number;
}

export type CircuitStatus = 'closed' | 'open' | 'half_open';

export const CLOSED_CIRCUIT: CircuitState = { consecutiveFailures: 0, openUntil: null, openCount: 0 };

export function circuitStatus(state: CircuitState, now: Date): CircuitStatus {
  if (state.openUntil === null) return 'closed';
  return now.getTime() < state.openUntil ? 'open' : 'half_open';
}

/** Whether a delivery may be attempted now (closed, or half-open for a trial). */
export function circuitAllows(state: CircuitState, now: Date): boolean {
  return circuitStatus(state, now) !== 'open';
}

/**
 * Fold one attempt's outcome into the state. Only 'retry' outcomes (network errors, timeouts,
 * 408/429/5xx) count as failures: a 4xx answer proves the endpoint is reachable, so it closes.
 */
export function circuitOnResult(state: CircuitState, outcome: DeliveryOutcome | 'success' | 'failure', now: Date, opts: CircuitOptions): CircuitState {
  const failed = outcome === 'retry' || outcome === 'failure';
  if (!failed) return CLOSED_CIRCUIT;
  const status = circuitStatus(state, now);
  const failures = state.consecutiveFailures + 1;
  const reopening = status !== 'closed';
  if (!reopening && failures < opts.failureThreshold) return { ...state, consecutiveFailures: failures };
  const openCount = reopening ? state.openCount + 1 : 1;
  const maxCooldown = Math.max(opts.maxCooldownMs ?? opts.cooldownMs, opts.cooldownMs);
  const cooldown = Math.min(maxCooldown, opts.cooldownMs * 2 ** (openCount - 1));
  // A late failure from before the circuit opened does not extend the cooldown.
  if (status === 'open') return { ...state, consecutiveFailures: failures };
  return { consecutiveFailures: failures, openUntil: now.getTime() + cooldown, openCount };
}
