import { detectionKeyPrefix, type DetectionRuleView } from '@watchfloor/detection/rules';
import { DomainError, DomainErrorCode, graphqlCodeFor } from '@watchfloor/errors';
import { PagingError } from '@watchfloor/paging';
import { SlaError } from '@watchfloor/sla';
import { presentRule } from './detection-rules.resolver';
import { domainCodeFor, mapServiceErrors, type ServiceErrorCode } from './service-errors';

describe('service errors', () => {
  it('map every service code to the contract code of the same name', () => {
    for (const code of ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN'] as ServiceErrorCode[]) expect(graphqlCodeFor(domainCodeFor(code))).toBe(code);
  });

  it('turn SlaError and PagingError into DomainErrors and let other errors through', async () => {
    await expect(mapServiceErrors(async () => { throw new SlaError('BAD_USER_INPUT', 'resolveMinutes too short'); })).rejects.toEqual(
      new DomainError(DomainErrorCode.InvalidInput, 'resolveMinutes too short'),
    );
    const conflict = await mapServiceErrors(async () => { throw new PagingError('CONFLICT', 'pending'); }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(DomainError);
    expect((conflict as DomainError).code).toBe(DomainErrorCode.AlreadyExists);
    const boom = new Error('db down');
    await expect(mapServiceErrors(async () => { throw boom; })).rejects.toBe(boom);
    await expect(mapServiceErrors(async () => 7)).resolves.toBe(7);
  });
});

describe('presentRule', () => {
  const rule: DetectionRuleView = {
    id: 'r1', ownerTenantId: null, sigmaId: 'sig-1', name: null, kind: 'SIGMA', title: 'Modbus write', author: 'Jane', description: 'd', level: 'high',
    status: 'test', tags: ['attack.t0855', 'attack.ics'], references: ['https://x'], falsepositives: ['maint'], logsource: { product: 'zeek' },
    sourceYaml: 'detection: {}', version: 3, enabled: false, severityOverride: null, createdAt: new Date(0), updatedAt: new Date(1),
  };

  it('gives the SOC everything, with techniques from the tags and global from the owner', () => {
    expect(presentRule(rule, false)).toMatchObject({ sigmaId: 'sig-1', techniques: ['T0855'], global: true, enabled: false, version: 3, sourceYaml: 'detection: {}' });
    expect(presentRule({ ...rule, ownerTenantId: 't' }, false).global).toBe(false);
  });

  it('gives customers id, title, author, level and techniques only', () => {
    const shown = presentRule(rule, true);
    const visible = Object.entries(shown).filter(([, v]) => v !== null).map(([k]) => k).sort();
    expect(visible).toEqual(['author', 'id', 'level', 'techniques', 'title']);
  });
});

it('derives the detection key prefix from QUEUE_PREFIX as the worker does', () => {
  expect(detectionKeyPrefix('{wf}')).toBe('wf:');
  expect(detectionKeyPrefix('{acme-prod}')).toBe('acme-prod:');
});
