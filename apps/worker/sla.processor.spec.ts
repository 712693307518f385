import { INCIDENT_EVENT_JOB } from '@watchfloor/queue';
import type { TenantDb } from '@watchfloor/tenancy';
import { handleSlaJob, incidentLinkFromEnv, type SlaJobDeps } from './sla.processor';

function deps(): SlaJobDeps & { added: unknown[] } {
  const added: unknown[] = [];
  const queue = { add: async (...args: unknown[]) => void added.push(args) };
  const db = {
    withScope: () => {
      throw new Error('no database in a unit test');
    },
  } as unknown as TenantDb;
  return { db, queues: { sla: queue, deliver: queue }, now: () => new Date('2026-11-25T10:00:00Z'), incidentLink: (id) => `x/${id}`, added };
}

describe('handleSlaJob', () => {
  it('refuses an unknown job name, naming it', async () => {
    await expect(handleSlaJob(deps(), { name: 'sla-bogus', data: { tenantId: null } })).rejects.toThrow('unknown sla job "sla-bogus"');
  });

  it('drops a malformed incident event without touching the database or the queues', async () => {
    const d = deps();
    const out = await handleSlaJob(d, { name: INCIDENT_EVENT_JOB, data: { tenantId: 'nope', incidentId: 'also-nope', type: 'incident.opened', version: 1, at: 'x' } });
    expect(out).toMatchObject({ found: false, deliveryIds: [], nextCheckAt: null, errors: ['not an incident id'] });
    expect(d.added).toEqual([]);
  });

  it('links incidents under PUBLIC_URL', () => {
    expect(incidentLinkFromEnv({ PUBLIC_URL: 'https://soc.example.com/' })('abc')).toBe('https://soc.example.com/incidents/abc');
    expect(incidentLinkFromEnv({})('abc')).toBe('http://localhost:3000/incidents/abc');
  });
});
