import fc from 'fast-check';
import { EscalationIncident, EscalationPolicy, parseEscalationKey, planEscalation, validateEscalationPolicy } from './escalation';

const T0 = Date.parse('2026-01-14T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const sec = (d: Date) => (d.getTime() - T0) / 1000;

// Levels at 0 s, 5 min and 15 min; the default wait after the last level is the last gap
// (10 min), so a cycle lasts 25 min and round 1 fires at 1500 s, 1800 s and 2400 s.
const policy: EscalationPolicy = {
  minSeverity: 'MEDIUM',
  repeat: 1,
  levels: [
    { delaySeconds: 0, endpointIds: ['a'] },
    { delaySeconds: 300, endpointIds: ['b'] },
    { delaySeconds: 900, endpointIds: ['c', 'd'] },
  ],
};

interface Timeline {
  severity?: EscalationIncident['severity'];
  ack?: number;
  resolve?: number;
  status?: string;
  policy?: Partial<EscalationPolicy>;
  /** When the worker runs the planner; default: at open, at each event and at every nextDueAt. */
  runs?: number[];
  horizon?: number;
}

/** Drive the planner like the worker does and log what it sends, one line per page. */
function simulate(t: Timeline): string[] {
  const p = { ...policy, ...t.policy };
  const incident: EscalationIncident = {
    id: 'inc-1',
    severity: t.severity ?? 'HIGH',
    openedAt: at(0),
    acknowledgedAt: t.ack === undefined ? null : at(t.ack),
    resolvedAt: t.resolve === undefined ? null : at(t.resolve),
    status: t.status ?? (t.resolve !== undefined ? 'RESOLVED' : t.ack !== undefined ? 'ACKNOWLEDGED' : 'NEW'),
  };
  const sent = new Set<string>();
  const log: string[] = [];
  const queue = t.runs ? [...t.runs] : [0, ...(t.ack === undefined ? [] : [t.ack]), ...(t.resolve === undefined ? [] : [t.resolve])];
  const done = new Set<number>();
  const horizon = t.horizon ?? 6 * 3600;
  while (queue.length > 0) {
    queue.sort((x, y) => x - y);
    const now = queue.shift()!;
    if (done.has(now) || now > horizon) continue;
    done.add(now);
    const plan = planEscalation({ policy: p, incident, now: at(now), alreadySent: sent });
    if (!plan.ok) throw new Error(plan.errors.join('; '));
    for (const page of plan.pages) {
      expect(sec(page.dueAt)).toBeLessThanOrEqual(now);
      sent.add(page.idempotencyKey);
      log.push(`${now} ${page.action} ${page.endpointId}${page.level === null ? '' : ` L${page.level}R${page.round}`} ${page.kind}`);
    }
    if (plan.nextDueAt) {
      expect(plan.nextDueAt.getTime()).toBeGreaterThan(at(now).getTime());
      if (!t.runs) queue.push(sec(plan.nextDueAt));
    }
  }
  return log;
}

describe('planEscalation timelines', () => {
  it.each<[string, Timeline, string[]]>([
    [
      'never acknowledged: every level, then one repeat round, then silence',
      {},
      [
        '0 trigger a L0R0 triggered',
        '300 trigger b L1R0 escalated',
        '900 trigger c L2R0 escalated',
        '900 trigger d L2R0 escalated',
        '1500 trigger a L0R1 escalated',
        '1800 trigger b L1R1 escalated',
        '2400 trigger c L2R1 escalated',
        '2400 trigger d L2R1 escalated',
      ],
    ],
    ['acknowledged at 400 s: levels stop, paged endpoints get an acknowledge', { ack: 400 }, ['0 trigger a L0R0 triggered', '300 trigger b L1R0 escalated', '400 acknowledge a acknowledged', '400 acknowledge b acknowledged']],
    ['acknowledged before the second level: only the first was paged', { ack: 299 }, ['0 trigger a L0R0 triggered', '299 acknowledge a acknowledged']],
    [
      'resolved at 1000 s without an acknowledgement: resolve to every endpoint paged',
      { resolve: 1000 },
      ['0 trigger a L0R0 triggered', '300 trigger b L1R0 escalated', '900 trigger c L2R0 escalated', '900 trigger d L2R0 escalated', '1000 resolve a resolved', '1000 resolve b resolved', '1000 resolve c resolved', '1000 resolve d resolved'],
    ],
    [
      'acknowledged then resolved: acknowledge, then resolve, each once',
      { ack: 100, resolve: 5000 },
      ['0 trigger a L0R0 triggered', '100 acknowledge a acknowledged', '5000 resolve a resolved'],
    ],
    [
      'ack timeout 600 s: an acknowledged, unresolved incident escalates again from the start',
      { ack: 400, policy: { ackTimeoutSeconds: 600, repeat: 0 } },
      [
        '0 trigger a L0R0 triggered',
        '300 trigger b L1R0 escalated',
        '400 acknowledge a acknowledged',
        '400 acknowledge b acknowledged',
        '1000 trigger a L0R0 escalated',
        '1300 trigger b L1R0 escalated',
        '1900 trigger c L2R0 escalated',
        '1900 trigger d L2R0 escalated',
      ],
    ],
    [
      'ack timeout: endpoints first paged by the restart get no acknowledge for the old acknowledgement',
      { ack: 400, policy: { ackTimeoutSeconds: 600, repeat: 0 }, runs: [0, 300, 400, 1000, 1300, 1900, 2500, 4000] },
      [
        '0 trigger a L0R0 triggered',
        '300 trigger b L1R0 escalated',
        '400 acknowledge a acknowledged',
        '400 acknowledge b acknowledged',
        '1000 trigger a L0R0 escalated',
        '1300 trigger b L1R0 escalated',
        '1900 trigger c L2R0 escalated',
        '1900 trigger d L2R0 escalated',
      ],
    ],
    [
      'ack timeout, resolved during the restarted escalation',
      { ack: 400, resolve: 1200, policy: { ackTimeoutSeconds: 600 } },
      ['0 trigger a L0R0 triggered', '300 trigger b L1R0 escalated', '400 acknowledge a acknowledged', '400 acknowledge b acknowledged', '1000 trigger a L0R0 escalated', '1200 resolve a resolved', '1200 resolve b resolved'],
    ],
    ['ack timeout but resolved before it expires: no restart', { ack: 400, resolve: 900, policy: { ackTimeoutSeconds: 600 } }, ['0 trigger a L0R0 triggered', '300 trigger b L1R0 escalated', '400 acknowledge a acknowledged', '400 acknowledge b acknowledged', '900 resolve a resolved', '900 resolve b resolved']],
    ['below minSeverity: nothing at all', { severity: 'LOW' }, []],
    ['below minSeverity and resolved: still nothing', { severity: 'INFO', resolve: 600 }, []],
    ['at minSeverity: pages', { severity: 'MEDIUM', ack: 10 }, ['0 trigger a L0R0 triggered', '10 acknowledge a acknowledged']],
    [
      'planner late at 1000 s: every level of the current round at once, then on schedule',
      { runs: [1000, 1500, 1800], horizon: 1800 },
      ['1000 trigger a L0R0 triggered', '1000 trigger b L1R0 escalated', '1000 trigger c L2R0 escalated', '1000 trigger d L2R0 escalated', '1500 trigger a L0R1 escalated', '1800 trigger b L1R1 escalated'],
    ],
    ['planner late at 1600 s: round 0 is superseded by round 1 and skipped', { runs: [1600] }, ['1600 trigger a L0R1 escalated']],
    ['planner far too late: after the last round only its due levels are sent', { runs: [99_999], horizon: 100_000 }, ['99999 trigger a L0R1 escalated', '99999 trigger b L1R1 escalated', '99999 trigger c L2R1 escalated', '99999 trigger d L2R1 escalated']],
    ['status CLOSED without a resolution time resolves at once', { status: 'CLOSED', runs: [0, 100, 200] }, []],
    [
      'repeatAfterSeconds overrides the wait before the next round',
      { policy: { repeatAfterSeconds: 60 }, horizon: 1300 },
      ['0 trigger a L0R0 triggered', '300 trigger b L1R0 escalated', '900 trigger c L2R0 escalated', '900 trigger d L2R0 escalated', '960 trigger a L0R1 escalated', '1260 trigger b L1R1 escalated'],
    ],
    [
      'one level repeated twice waits the 30-minute default between rounds',
      { policy: { repeat: 2, levels: [{ delaySeconds: 60, endpointIds: ['a'] }] } },
      ['60 trigger a L0R0 triggered', '1920 trigger a L0R1 escalated', '3780 trigger a L0R2 escalated'],
    ],
  ])('%s', (_name, timeline, expected) => {
    expect(simulate(timeline)).toEqual(expected);
  });
});

describe('planEscalation details', () => {
  const incident: EscalationIncident = { id: 'inc-1', severity: 'CRITICAL', openedAt: at(0), status: 'NEW' };

  it('is idempotent: planning again with the sent keys sends nothing new', () => {
    const first = planEscalation({ policy, incident, now: at(950), alreadySent: new Set() });
    if (!first.ok) throw new Error();
    expect(first.pages).toHaveLength(4);
    const again = planEscalation({ policy, incident, now: at(950), alreadySent: new Set(first.pages.map((p) => p.idempotencyKey)) });
    expect(again).toEqual({ ok: true, pages: [], nextDueAt: at(1500) });
  });

  it('uses deterministic, parseable keys per incident, epoch, round, level, endpoint and action', () => {
    const weird = { ...incident, id: 'tenant:7/inc 9' };
    const plan = planEscalation({ policy, incident: weird, now: at(0), alreadySent: new Set() });
    if (!plan.ok) throw new Error();
    const key = plan.pages[0].idempotencyKey;
    expect(key).toBe(`esc:tenant%3A7%2Finc%209:o${T0}:r0:l0:a:trigger`);
    expect(parseEscalationKey(key)).toEqual({ incidentId: 'tenant:7/inc 9', epoch: `o${T0}`, round: 0, level: 0, endpointId: 'a', action: 'trigger' });
    expect(parseEscalationKey('other:key')).toBeNull();
    expect(parseEscalationKey('esc:%E0%A4%A:o1:r0:l0:a:trigger')).toBeNull();
  });

  it('schedules the first level of a restart when an acknowledgement will time out', () => {
    const sent = new Set([`esc:inc-1:o${T0}:r0:l0:a:trigger`, `esc:inc-1:a${T0 + 100_000}:a:acknowledge`]);
    const plan = planEscalation({ policy: { ...policy, ackTimeoutSeconds: 600 }, incident: { ...incident, acknowledgedAt: at(100) }, now: at(200), alreadySent: sent });
    expect(plan).toEqual({ ok: true, pages: [], nextDueAt: at(700) });
  });

  it('after a re-acknowledgement of the restarted escalation, every endpoint paged is told once more', () => {
    const p = { ...policy, ackTimeoutSeconds: 600 };
    const sent = new Set([
      `esc:inc-1:o${T0}:r0:l0:a:trigger`, // first spell
      `esc:inc-1:a${T0 + 100_000}:a:acknowledge`, // first ack
      `esc:inc-1:o${T0}a${T0 + 100_000}:r0:l0:a:trigger`, // restart at 700 s
      `esc:inc-1:o${T0}a${T0 + 100_000}:r0:l1:b:trigger`, // 1000 s
    ]);
    const plan = planEscalation({ policy: p, incident: { ...incident, acknowledgedAt: at(1100) }, now: at(1100), alreadySent: sent });
    if (!plan.ok) throw new Error();
    expect(plan.pages.map((x) => `${x.action} ${x.endpointId}`)).toEqual(['acknowledge a', 'acknowledge b']);
    expect(plan.nextDueAt).toEqual(at(1700));
  });

  it('a downgraded incident below minSeverity triggers nothing new but still resolves what was paged', () => {
    const sent = new Set([`esc:inc-1:o${T0}:r0:l0:a:trigger`]);
    const low = { ...incident, severity: 'LOW' as const };
    expect(planEscalation({ policy, incident: low, now: at(400), alreadySent: sent })).toEqual({ ok: true, pages: [], nextDueAt: null });
    const resolved = planEscalation({ policy, incident: { ...low, resolvedAt: at(500), status: 'RESOLVED' }, now: at(500), alreadySent: sent });
    if (!resolved.ok) throw new Error();
    expect(resolved.pages.map((x) => `${x.action} ${x.endpointId}`)).toEqual(['resolve a']);
  });

  it('a reopened incident (new openedAt) escalates afresh and ignores the previous spell', () => {
    const previous = new Set([`esc:inc-1:o${T0}:r0:l0:a:trigger`, `esc:inc-1:o${T0}:a:resolve`]);
    const reopened = { ...incident, openedAt: at(7200), acknowledgedAt: at(60), resolvedAt: at(3600), status: 'INVESTIGATING' };
    const plan = planEscalation({ policy, incident: reopened, now: at(7200), alreadySent: previous });
    if (!plan.ok) throw new Error();
    expect(plan.pages.map((x) => x.idempotencyKey)).toEqual([`esc:inc-1:o${T0 + 7_200_000}:r0:l0:a:trigger`]);
    expect(plan.pages[0].kind).toBe('triggered');
  });

  it('ignores an acknowledgement or resolution dated after now', () => {
    const plan = planEscalation({ policy, incident: { ...incident, acknowledgedAt: at(500), resolvedAt: at(600) }, now: at(300), alreadySent: new Set() });
    if (!plan.ok) throw new Error();
    expect(plan.pages.map((x) => x.endpointId)).toEqual(['a', 'b']);
  });

  it('refuses invalid policies and incidents with every reason', () => {
    expect(validateEscalationPolicy({ minSeverity: 'SEVERE', repeat: -1, ackTimeoutSeconds: 0, levels: [{ delaySeconds: 60, endpointIds: ['a'] }, { delaySeconds: 30, endpointIds: [] }] })).toEqual([
      'minSeverity must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL, got "SEVERE"',
      'repeat must be an integer 0–100, got -1',
      'ackTimeoutSeconds must be a positive number of seconds, got 0',
      "levels[1].delaySeconds 30 is before the previous level's 60; order levels by delay",
      'levels[1].endpointIds must be a non-empty array of ids',
    ]);
    expect(validateEscalationPolicy({ minSeverity: 'LOW', repeat: 0, levels: [] })).toEqual(['levels must be a non-empty array']);
    expect(planEscalation({ policy, incident: { ...incident, id: '', openedAt: new Date('x') }, now: at(0), alreadySent: new Set() })).toEqual({ ok: false, errors: ['incident.id is required'] });
    expect(planEscalation({ policy, incident: { ...incident, severity: 'URGENT' as never }, now: new Date('x'), alreadySent: new Set() })).toEqual({
      ok: false,
      errors: ['incident.severity must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL, got "URGENT"', 'now must be a valid Date'],
    });
  });
});

describe('planEscalation properties', () => {
  const policies = fc.record({
    minSeverity: fc.constantFrom('INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL' as const),
    repeat: fc.integer({ min: 0, max: 3 }),
    ackTimeoutSeconds: fc.option(fc.integer({ min: 60, max: 3600 }), { nil: undefined }),
    levels: fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3600 }), fc.subarray(['e1', 'e2', 'e3', 'e4'], { minLength: 1 })), { minLength: 1, maxLength: 4 })
      .map((ls) => ls.sort((x, y) => x[0] - y[0]).map(([delaySeconds, endpointIds]) => ({ delaySeconds, endpointIds }))),
  }) as fc.Arbitrary<EscalationPolicy>;
  const severities = fc.constantFrom('INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL' as const);

  it('with the planner run at random times, no key is ever sent twice, nothing is triggered after acknowledgement (until a timeout) or resolution, and every paged endpoint gets a resolve', () => {
    fc.assert(
      fc.property(
        policies,
        severities,
        fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 25 }),
        (p, severity, ack, resolveGap, runs) => {
          const resolve = resolveGap === undefined ? undefined : (ack ?? 0) + resolveGap;
          const incident: EscalationIncident = { id: 'i', severity, openedAt: at(0), acknowledgedAt: ack === undefined ? null : at(ack), resolvedAt: resolve === undefined ? null : at(resolve), status: resolve === undefined ? 'NEW' : 'RESOLVED' };
          const sent = new Set<string>();
          const times = [...runs.sort((x, y) => x - y), 40_000];
          const triggered = new Set<string>();
          for (const now of times) {
            const plan = planEscalation({ policy: p, incident, now: at(now), alreadySent: sent });
            if (!plan.ok) throw new Error(plan.errors.join());
            for (const page of plan.pages) {
              expect(sent.has(page.idempotencyKey)).toBe(false);
              sent.add(page.idempotencyKey);
              if (page.action === 'trigger') {
                triggered.add(page.endpointId);
                const t = sec(page.dueAt);
                if (ack !== undefined && t >= ack) expect(p.ackTimeoutSeconds !== undefined && t >= ack + p.ackTimeoutSeconds).toBe(true);
                if (resolve !== undefined) expect(now).toBeLessThan(resolve);
              }
            }
          }
          if (resolve !== undefined) {
            const resolved = [...sent].map(parseEscalationKey).filter((k) => k?.action === 'resolve').map((k) => k!.endpointId);
            expect(new Set(resolved)).toEqual(triggered);
          }
          const order = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
          if (order.indexOf(severity) < order.indexOf(p.minSeverity)) expect(sent.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
