// What to do after one delivery attempt, and how long to wait before the next.

export type DeliveryOutcome = 'delivered' | 'retry' | 'fail' | 'gone';

/**
 * 2xx delivered; network error, timeout, 408, 429 and 5xx are worth retrying; 410 Gone means the
 * receiver removed the endpoint (disable it); any other status fails for good. Redirects (3xx)
 * fail too: following them would bypass the SSRF check of the endpoint URL.
 */
export function classifyDeliveryOutcome(result: { statusCode?: number; networkError?: boolean; timedOut?: boolean }): DeliveryOutcome {
  if (result.networkError || result.timedOut) return 'retry';
  const status = result.statusCode;
  if (status === undefined) return 'retry'; // no answer recorded: treat like a network error
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'fail'; // not HTTP: retrying will not help
  if (status >= 200 && status <= 299) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  if (status === 410) return 'gone';
  return 'fail';
}

export interface RetryDelayOptions {
  /** Delay scale of the first retry. */
  baseMs: number;
  /** No delay is ever longer, Retry-After included. */
  maxMs: number;
  /** The response's Retry-After header: delta seconds or an HTTP date. */
  retryAfterHeader?: string | null;
  now: Date;
  /** Uniform in [0, 1); injected so tests and replays are deterministic. */
  random: () => number;
  /** 'full' (default): uniform in [0, min(max, base·2^(attempt−1))]. 'decorrelated': uniform in [base, 3·previous], capped. */
  jitter?: 'full' | 'decorrelated';
  /** The delay used before this attempt; needed by decorrelated jitter (defaults to baseMs). */
  previousDelayMs?: number;
}

/** Milliseconds until the moment a Retry-After header names, or null when it is absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (header === undefined || header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date (IMF-fixdate, or the obsolete forms Date.parse also reads): must name a weekday.
  if (!/^[A-Za-z]{3},? /.test(text) && !/^[A-Za-z]+day, /.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * Delay before retry number `attempt` (1 = the first retry after the first failed attempt).
 * Exponential backoff with jitter, never shorter than Retry-After, never longer than maxMs.
 */
export function nextRetryDelayMs(attempt: number, opts: RetryDelayOptions): number {
  const { baseMs, maxMs } = opts;
  const n = Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
  const r = Math.min(Math.max(opts.random(), 0), 1);
  let delay: number;
  if (opts.jitter === 'decorrelated') {
    const previous = Math.max(opts.previousDelayMs ?? baseMs, baseMs);
    delay = baseMs + r * (previous * 3 - baseMs);
  } else {
    // 2^(n-1) overflows to Infinity for huge n; min() keeps it at maxMs.
    delay = r * Math.min(maxMs, baseMs * 2 ** (n - 1));
  }
  const retryAfter = parseRetryAfter(opts.retryAfterHeader, opts.now);
  if (retryAfter !== null) delay = Math.max(delay, retryAfter);
  return Math.round(Math.min(Math.max(delay, 0), maxMs));
}
