import { compileTenantRules, placeholdersOf, severityOfLevel, techniquesOfTags, type StoredRule } from './tenant-rule-set';

const zeekConn = (conn_state: string) => ({ raw: { conn_state, 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2', 'id.resp_p': 80 }, normalized: { source_product: 'zeek', source_log: 'conn' } });

function stored(partial: Partial<StoredRule> & Pick<StoredRule, 'sigmaId' | 'sourceYaml'>): StoredRule {
  return {
    id: `uuid-${partial.sigmaId}`,
    ownerTenantId: null,
    name: null,
    kind: 'SIGMA',
    title: partial.sigmaId,
    author: null,
    level: 'medium',
    tags: [],
    version: 1,
    enabled: true,
    severityOverride: null,
    ...partial,
  };
}

const baseRule = (sigmaId: string, name: string, state = 'S0') =>
  stored({ sigmaId, name, sourceYaml: `title: ${name}\nid: ${sigmaId}\nname: ${name}\nlogsource: { product: zeek, service: conn }\ndetection:\n  sel: { conn_state: ${state} }\n  condition: sel\n` });

const correlation = (sigmaId: string, rules: string[], generate: boolean) =>
  stored({
    sigmaId,
    kind: 'CORRELATION',
    sourceYaml: `title: corr ${sigmaId}\nid: ${sigmaId}\ncorrelation:\n  type: event_count\n  rules: [${rules.join(', ')}]\n  group-by: [id.orig_h]\n  timespan: 1m\n  condition: { gte: 3 }\n${generate ? 'generate: true\n' : ''}`,
  });

describe('compileTenantRules', () => {
  it('maps levels to severities and ATT&CK tags to technique ids', () => {
    expect(['informational', 'low', 'medium', 'high', 'critical', 'HIGH', 'bogus', undefined].map(severityOfLevel)).toEqual(['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'HIGH', 'MEDIUM', 'MEDIUM']);
    expect(techniquesOfTags(['attack.t0855', 'attack.T1059.001', 'attack.discovery', 'attack.t0855', 'cve.2021-1234', 'attack.ics'])).toEqual(['T0855', 'T1059.001']);
  });

  it('lets base rules referenced by a correlation feed it without alerting unless generate is set', () => {
    const set = compileTenantRules([baseRule('a1', 'attempt'), baseRule('b1', 'other', 'REJ'), correlation('c1', ['attempt'], false)], {}, 'v');
    const byRef = new Map([...set.ruleMeta.entries()].map(([rule, meta]) => [meta.ruleRef, { rule, meta }]));
    expect(byRef.get('a1')?.meta.alerting).toBe(false);
    expect(set.correlationInputs.has(byRef.get('a1')!.rule)).toBe(true);
    expect(byRef.get('b1')?.meta.alerting).toBe(true);
    expect(set.correlationInputs.has(byRef.get('b1')!.rule)).toBe(false);
    expect(set.correlations.map((c) => c.id)).toEqual(['c1']);

    const generating = compileTenantRules([baseRule('a1', 'attempt'), correlation('c1', ['attempt'], true)], {}, 'v');
    expect([...generating.ruleMeta.values()][0].alerting).toBe(true);
  });

  it('keeps a disabled base rule feeding an enabled correlation, and drops it when nothing needs it', () => {
    const disabled = { ...baseRule('a1', 'attempt'), enabled: false };
    const fed = compileTenantRules([disabled, correlation('c1', ['attempt'], true)], {}, 'v');
    expect([...fed.ruleMeta.values()].map((m) => [m.ruleRef, m.alerting])).toEqual([['a1', false]]);
    const alone = compileTenantRules([disabled], {}, 'v');
    expect(alone.ruleSet.rules).toHaveLength(0);
    expect(alone.ruleSet.match(zeekConn('S0'))).toEqual([]);
  });

  it('gives rules and correlations the techniques of their stored and compiled tags, stored first', () => {
    const yaml = (tags: string) =>
      `title: tagged\nid: t1\ntags: [${tags}]\nlogsource: { product: zeek, service: conn }\ndetection:\n  sel: { conn_state: S0 }\n  condition: sel\n`;
    // the stored column edited by hand: both lists count, each technique once
    const rule = stored({ sigmaId: 't1', tags: ['attack.t0846', 'attack.t0855'], sourceYaml: yaml('attack.t0855, attack.t0869') });
    const corr = {
      ...correlation('c1', ['t1'], true),
      tags: ['attack.t0888'],
      sourceYaml: `title: corr\nid: c1\ntags: [attack.t0846]\ncorrelation:\n  type: event_count\n  rules: [t1]\n  group-by: [id.orig_h]\n  timespan: 1m\n  condition: { gte: 3 }\n`,
    };
    const set = compileTenantRules([rule, corr], {}, 'v');
    expect([...set.ruleMeta.values()].map((m) => m.techniques)).toEqual([['T0846', 'T0855', 'T0869']]);
    expect(set.correlationMeta.get('c1')?.techniques).toEqual(['T0888', 'T0846']);
  });

  it('applies severity overrides and credits an author for every rule', () => {
    const set = compileTenantRules([{ ...baseRule('a1', 'attempt'), severityOverride: 'CRITICAL' }, { ...baseRule('t1', 'mine'), ownerTenantId: 'tenant' }], {}, 'v');
    const metas = [...set.ruleMeta.values()];
    expect(metas.map((m) => [m.ruleRef, m.severity, m.author])).toEqual([
      ['a1', 'CRITICAL', 'Watchfloor'],
      ['t1', 'MEDIUM', 'tenant rule'],
    ]);
  });

  it('reads built-in rows as OT detection switches and reports rules it cannot compile', () => {
    const set = compileTenantRules(
      [
        stored({ sigmaId: 'watchfloor.ot.control_write', kind: 'BUILTIN', sourceYaml: '#', enabled: false, severityOverride: 'CRITICAL' }),
        stored({ sigmaId: 'broken', sourceYaml: `title: broken\nid: broken\nlogsource: { product: zeek }\ndetection:\n  sel:\n    a|expand: '%nope%'\n  condition: sel\n` }),
      ],
      {},
      'v',
    );
    expect(set.builtins.control_write?.setting).toEqual({ enabled: false, severity: 'CRITICAL' });
    expect(set.skipped).toEqual([{ sigmaId: 'broken', reason: expect.stringMatching(/nope/) }]);
  });

  it('reads placeholders from tenant settings, ignoring values of the wrong type', () => {
    expect(placeholdersOf({ placeholders: { jump: ['10.0.0.1', 22], single: 'x', bad: { a: 1 }, empty: [] } })).toEqual({ jump: ['10.0.0.1', '22'], single: ['x'] });
    expect(placeholdersOf(null)).toEqual({});
  });
});
