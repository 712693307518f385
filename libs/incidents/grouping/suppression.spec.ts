import { alert } from './__fixtures__/incidents';
import { suppressionMatches, SuppressionView } from './suppression';

const now = new Date('2026-03-02T10:00:00Z');
const event = alert({
  ruleId: 'rule-rdp',
  srcIp: '10.10.7.23',
  dstIp: '10.30.0.20',
  dstAssetId: 'a-hmi',
  severity: 'HIGH',
  techniques: ['T0886', 'T0822'],
  fields: { 'id.orig_h': '10.10.7.23', 'id.resp_p': 3389, alert: { signature: 'ET POLICY RDP connection', signature_id: 2001 }, hostname: 'JUMP-01.corp.example' },
});
const sup = (over: Partial<SuppressionView>): SuppressionView => ({ ruleId: null, match: {}, expiresAt: null, ...over });

describe('suppressionMatches', () => {
  test.each<[string, Partial<SuppressionView>, boolean]>([
    ['rule only', { ruleId: 'rule-rdp' }, true],
    ['another rule', { ruleId: 'rule-ssh' }, false],
    ['rule and source address', { ruleId: 'rule-rdp', match: { srcIp: '10.10.7.23' } }, true],
    ['any rule, source address', { match: { srcIp: '10.10.7.23' } }, true],
    ['list of values: any of', { match: { srcIp: ['10.0.0.1', '10.10.7.23'] } }, true],
    ['list of values: none of them', { match: { srcIp: ['10.0.0.1', '10.0.0.2'] } }, false],
    ['wildcard', { match: { srcIp: '10.10.7.*' } }, true],
    ['wildcard is anchored', { match: { srcIp: '0.7.*' } }, false],
    ['wildcard in the middle, case-insensitive', { match: { hostname: 'jump-*.corp.example' } }, true],
    ['regex characters are literal', { match: { hostname: 'JUMP-01.corp.exampl.' } }, false],
    ['bare * matches any present value', { match: { hostname: '*' } }, true],
    ['bare * does not match a missing field', { match: { 'nope': '*' } }, false],
    ['null matches a missing field', { match: { 'nope': null } }, true],
    ['all entries must match', { match: { srcIp: '10.10.7.23', dstIp: '10.30.0.99' } }, false],
    ['flat Zeek field name', { match: { 'id.orig_h': '10.10.7.23' } }, true],
    ['number against a number', { match: { 'id.resp_p': 3389 } }, true],
    ['number as text', { match: { 'id.resp_p': '3389' } }, true],
    ['dotted path into nested JSON', { match: { 'alert.signature_id': 2001 } }, true],
    ['list-valued alert property: any element', { match: { techniques: 'T0822' } }, true],
    ['list-valued alert property: no element', { match: { techniques: ['T0855'] } }, false],
    ['alert property severity', { match: { severity: 'high' } }, true],
    ['target asset', { match: { dstAssetId: 'a-hmi' } }, true],
    ['objects are not match values', { match: { alert: { signature_id: 2001 } } }, false],
    ['no rule and no match would hide everything: refused', {}, false],
    ['match must be an object', { ruleId: 'rule-rdp', match: ['srcIp'] as unknown as Record<string, unknown> }, false],
    ['not yet expired', { ruleId: 'rule-rdp', expiresAt: new Date('2026-03-02T10:00:01Z') }, true],
    ['expired at the instant', { ruleId: 'rule-rdp', expiresAt: now }, false],
    ['expired', { ruleId: 'rule-rdp', expiresAt: new Date('2026-03-01T00:00:00Z') }, false],
    ['invalid expiry is treated as expired', { ruleId: 'rule-rdp', expiresAt: new Date('x') }, false],
  ])('%s', (_label, over, expected) => {
    expect(suppressionMatches(sup(over), event, now)).toBe(expected);
  });
});
