// Redis-backed evaluation of compiled Sigma correlations. State per (tenant, correlation, group)
// lives in Redis and every update-and-decide runs as one Lua script, so any number of worker
// processes can observe parts of the same stream and still raise each alert exactly once.
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import { refsWithoutOwnAlerts } from './correlation-compiler';
import { groupKeyOf, placeMatch } from './correlation-grouping';
import { CORRELATION_STEP_LUA } from './correlation-step.script';
import type { CompiledCorrelation, CorrelationAlert, CorrelationMatch } from './correlation.types';

export interface CorrelationEngineOptions {
  redis: Redis | Cluster;
  /** Every key the engine writes starts with this (e.g. `wf:` or `wf-test-corr-<random>:`). */
  prefix: string;
  /** How late (event time, behind the newest event of a group) an event may arrive and still be handled exactly. */
  toleranceSeconds?: number;
  /** Ids kept per alert (default 100). */
  maxEventIds?: number;
  /** Extra lifetime of idle state beyond 2 × (timespan + tolerance) (default 600 s). */
  stateMarginSeconds?: number;
  /** Events stamped further than this ahead of `now` are ignored as clock errors (default 300 s). */
  maxFutureSeconds?: number;
  /** Levels of chained correlations resolved inside one call (default 8). */
  maxChainDepth?: number;
  /** Groups decided per sweep call and correlation (default 10,000). */
  sweepBatchSize?: number;
  /** Called after each group update with what happened to the matches (for metrics and logs). */
  onGroupUpdate?: (update: CorrelationGroupUpdate) => void;
}

export interface CorrelationGroupUpdate {
  tenantId: string;
  correlationId: string;
  groupKey: string;
  /** New events stored. */
  inserted: number;
  /** Events already stored (same eventId): ignored. */
  duplicates: number;
  /** Events too late (older than newest − timespan − tolerance, or inside a window already decided): ignored. */
  discarded: number;
  alerts: number;
}

export interface CorrelationEngine {
  /** Adds matches, decides every window the watermark allows, returns new alerts (chained ones included). */
  observe(tenantId: string, matches: readonly CorrelationMatch[], correlations: readonly CompiledCorrelation[], now: Date): Promise<CorrelationAlert[]>;
  /** Decides windows due by `now` (wall clock, or the replay's watermark), e.g. closing windows of lt/lte rules. */
  sweep(tenantId: string, correlations: readonly CompiledCorrelation[], now: Date): Promise<CorrelationAlert[]>;
}

type StepReply = [number, number, number, string, Array<[number, number, string, number, string[]]>];

interface RedisWithStep {
  watchfloorCorrelationStep(...args: Array<string | number>): Promise<StepReply>;
}

const STEP_COMMAND = 'watchfloorCorrelationStep';

interface PendingEvent {
  member: string;
  ts: number;
  value: string;
}

interface GroupBatch {
  correlation: CompiledCorrelation;
  groupHash: string;
  groupKey: string;
  events: PendingEvent[];
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function requireNonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

function requireDate(value: unknown, what: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${what} must be a valid Date`);
  return value.getTime();
}

function nonNegative(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new TypeError(`${what} must be a non-negative number`);
  return v;
}

/** The dedup key of a correlation window: stable across re-runs and workers. */
export function correlationDedupKey(correlationId: string, tenantId: string, groupKey: string, windowStart: Date): string {
  return `corr:${sha(JSON.stringify([correlationId, tenantId, groupKey, windowStart.getTime()]))}`;
}

/** A correlation alert as a match, for correlations that chain on it (what observe does internally). */
export function alertAsMatch(alert: CorrelationAlert): CorrelationMatch {
  return {
    ruleRefs: alert.correlationRefs,
    eventId: alert.dedupKey,
    ts: alert.windowEnd,
    fields: (name) => alert.groupValues[name],
  };
}

export function createCorrelationEngine(options: CorrelationEngineOptions): CorrelationEngine {
  const redis = options.redis;
  if (!redis || typeof (redis as { defineCommand?: unknown }).defineCommand !== 'function') {
    throw new TypeError('createCorrelationEngine needs an ioredis client in options.redis');
  }
  const prefix = requireNonEmpty(options.prefix, 'options.prefix');
  const toleranceMs = Math.round(nonNegative(options.toleranceSeconds, 0, 'options.toleranceSeconds') * 1000);
  const maxEventIds = Math.max(1, Math.floor(nonNegative(options.maxEventIds, 100, 'options.maxEventIds')));
  const marginMs = Math.round(nonNegative(options.stateMarginSeconds, 600, 'options.stateMarginSeconds') * 1000);
  const maxFutureMs = Math.round(nonNegative(options.maxFutureSeconds, 300, 'options.maxFutureSeconds') * 1000);
  const maxChainDepth = Math.floor(nonNegative(options.maxChainDepth, 8, 'options.maxChainDepth'));
  const sweepBatchSize = Math.max(1, Math.floor(nonNegative(options.sweepBatchSize, 10_000, 'options.sweepBatchSize')));

  redis.defineCommand(STEP_COMMAND, { numberOfKeys: 5, lua: CORRELATION_STEP_LUA });
  const client = redis as unknown as RedisWithStep & (Redis | Cluster);

  // One hash tag per (tenant, correlation version): all of its keys share a cluster slot.
  const tagOf = (tenantId: string, c: CompiledCorrelation) =>
    `${prefix}corr:{${encodeURIComponent(tenantId)}:${encodeURIComponent(c.id)}:${c.stateVersion}}`;
  const keysOf = (tenantId: string, c: CompiledCorrelation, groupHash: string): string[] => {
    const tag = tagOf(tenantId, c);
    return [`${tag}:g:${groupHash}:m`, `${tag}:g:${groupHash}:ev`, `${tag}:g:${groupHash}:val`, `${tag}:pending`, `${tag}:g:${groupHash}:agg`];
  };
  const ttlMs = (c: CompiledCorrelation) => 2 * (c.timespanMs + toleranceMs) + marginMs;
  const MEASURE_CODES: Record<CompiledCorrelation['type'], string> = {
    event_count: 'n',
    value_count: 'd',
    temporal: 'd',
    temporal_ordered: 'o',
    value_sum: 's',
    value_avg: 'a',
  };
  const isTemporal = (c: CompiledCorrelation) => c.type === 'temporal' || c.type === 'temporal_ordered';

  async function runStep(
    tenantId: string,
    batch: GroupBatch,
    externalWatermark: number | null,
    silentRefs: ReadonlySet<string>,
  ): Promise<CorrelationAlert[]> {
    const c = batch.correlation;
    const args: Array<string | number> = [
      ...keysOf(tenantId, c, batch.groupHash),
      batch.groupKey,
      c.timespanMs,
      toleranceMs,
      c.evaluation === 'sliding' ? 's' : 'c',
      MEASURE_CODES[c.type],
      c.thresholds.lower?.value ?? '',
      c.thresholds.lower?.inclusive ? '1' : '0',
      c.thresholds.upper?.value ?? '',
      c.thresholds.upper?.inclusive ? '1' : '0',
      c.thresholds.exclude ?? '',
      c.rules.length,
      externalWatermark === null ? '' : externalWatermark,
      ttlMs(c),
      maxEventIds,
      batch.groupHash,
      batch.events.length,
    ];
    for (const e of batch.events) args.push(e.member, e.ts, e.value);
    const [inserted, duplicates, discarded, storedGroupKey, windows] = await client.watchfloorCorrelationStep(...args);
    const groupKey = storedGroupKey || batch.groupKey;
    options.onGroupUpdate?.({ tenantId, correlationId: c.id, groupKey, inserted, duplicates, discarded, alerts: windows.length });
    if (windows.length === 0) return [];
    let values: string[] = [];
    try {
      values = JSON.parse(groupKey) as string[];
    } catch {
      values = [];
    }
    const groupValues: Record<string, string> = {};
    c.groupBy.forEach((name, i) => {
      if (values[i] !== undefined) groupValues[name] = values[i];
    });
    return windows.map(([start, end, measure, eventCount, members]) => {
      const windowStart = new Date(Number(start));
      return {
        correlationId: c.id,
        ...(c.name !== undefined ? { correlationName: c.name } : {}),
        correlationRefs: c.refs,
        title: c.title,
        level: c.level,
        tags: c.tags,
        tenantId,
        groupKey,
        groupValues,
        windowStart,
        windowEnd: new Date(Number(end)),
        // temporal members are "<rule index>|<event id>"; keep the event id only.
        eventIds: members.map((m) => (isTemporal(c) ? m.slice(m.indexOf('|') + 1) : m)),
        eventCount: Number(eventCount),
        count: Number(measure),
        dedupKey: correlationDedupKey(c.id, tenantId, groupKey, windowStart),
        standalone: !c.refs.some((ref) => silentRefs.has(ref)),
      };
    });
  }

  function batchMatches(
    matches: readonly CorrelationMatch[],
    correlations: readonly CompiledCorrelation[],
    nowMs: number,
  ): GroupBatch[] {
    const byRef = new Map<string, CompiledCorrelation[]>();
    for (const c of correlations) {
      for (const ref of c.rules) {
        const list = byRef.get(ref) ?? [];
        if (!list.includes(c)) list.push(c);
        byRef.set(ref, list);
      }
    }
    const groups = new Map<string, GroupBatch>();
    for (const match of matches) {
      if (!match || !Array.isArray(match.ruleRefs) || typeof match.eventId !== 'string' || match.eventId === '') continue;
      if (typeof match.fields !== 'function' || !(match.ts instanceof Date)) continue;
      const ts = match.ts.getTime();
      if (!Number.isFinite(ts) || ts > nowMs + maxFutureMs) continue;
      const candidates = new Set<CompiledCorrelation>();
      for (const ref of match.ruleRefs) for (const c of byRef.get(ref) ?? []) candidates.add(c);
      for (const c of candidates) {
        const placed = placeMatch(c, match);
        if (!placed) continue;
        const groupKey = groupKeyOf(placed.groupValues);
        const groupHash = sha(groupKey).slice(0, 24);
        const id = `${c.id}\u0000${groupHash}`;
        let batch = groups.get(id);
        if (!batch) {
          batch = { correlation: c, groupHash, groupKey, events: [] };
          groups.set(id, batch);
        }
        const member = isTemporal(c) ? `${placed.ruleIndex + 1}|${match.eventId}` : match.eventId;
        batch.events.push({ member, ts, value: placed.value });
      }
    }
    for (const batch of groups.values()) {
      // Ascending time so the "too late" rule does not depend on the order inside a batch.
      batch.events.sort((a, b) => a.ts - b.ts || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
    }
    return [...groups.values()];
  }

  // Correlation alerts are matches for correlations that list them in `rules`: resolve those here.
  async function feedChain(
    tenantId: string,
    alerts: CorrelationAlert[],
    correlations: readonly CompiledCorrelation[],
    nowMs: number,
    externalWatermark: number | null,
    silentRefs: ReadonlySet<string>,
  ): Promise<CorrelationAlert[]> {
    const all: CorrelationAlert[] = [];
    let round = alerts;
    for (let depth = 1; depth <= maxChainDepth && round.length > 0; depth++) {
      const batches = batchMatches(round.map(alertAsMatch), correlations, nowMs);
      round = (await Promise.all(batches.map((b) => runStep(tenantId, b, externalWatermark, silentRefs)))).flat();
      all.push(...round);
    }
    return all;
  }

  return {
    async observe(tenantId, matches, correlations, now) {
      requireNonEmpty(tenantId, 'tenantId');
      const nowMs = requireDate(now, 'now');
      if (!Array.isArray(matches)) throw new TypeError('matches must be an array');
      const silentRefs = refsWithoutOwnAlerts(correlations);
      const batches = batchMatches(matches, correlations, nowMs);
      const direct = (await Promise.all(batches.map((b) => runStep(tenantId, b, null, silentRefs)))).flat();
      const chained = await feedChain(tenantId, direct, correlations, nowMs, null, silentRefs);
      return [...direct, ...chained];
    },

    async sweep(tenantId, correlations, now) {
      requireNonEmpty(tenantId, 'tenantId');
      const nowMs = requireDate(now, 'now');
      const silentRefs = refsWithoutOwnAlerts(correlations);
      const direct: CorrelationAlert[] = [];
      for (const c of correlations) {
        const pendingKey = keysOf(tenantId, c, '')[3];
        const due = await client.zrangebyscore(pendingKey, '-inf', nowMs, 'LIMIT', 0, sweepBatchSize);
        const steps = due.map((groupHash) =>
          runStep(tenantId, { correlation: c, groupHash, groupKey: '', events: [] }, nowMs - toleranceMs, silentRefs),
        );
        direct.push(...(await Promise.all(steps)).flat());
      }
      const chained = await feedChain(tenantId, direct, correlations, nowMs, nowMs - toleranceMs, silentRefs);
      return [...direct, ...chained];
    },
  };
}
