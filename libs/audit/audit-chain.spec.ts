import { auditEntryHash, canonicalJson } from './audit-chain';

describe('audit chain hashing', () => {
  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(new Date('2026-01-01T00:00:00Z'))).toBe('"2026-01-01T00:00:00.000Z"');
  });

  it('hash depends on the previous hash and on every field', () => {
    const fields = {
      tenantId: 't', seq: 1, actorId: null, actorKind: 'user', action: 'x', targetType: 'incident', targetId: 'i',
      before: { status: 'NEW' }, after: { status: 'ACKNOWLEDGED' }, requestId: 'r', createdAt: '2026-01-01T00:00:00.000Z',
    };
    const h = auditEntryHash('', fields);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditEntryHash('', { ...fields })).toBe(h);
    expect(auditEntryHash('x', fields)).not.toBe(h);
    expect(auditEntryHash('', { ...fields, after: { status: 'RESOLVED' } })).not.toBe(h);
    expect(auditEntryHash('', { ...fields, seq: 2 })).not.toBe(h);
  });
});
