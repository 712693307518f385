import type { Queue } from 'bullmq';
import type { IncidentEventJobData } from '@watchfloor/queue';
import { detectionKeyPrefix, incidentEventEmitter } from './detect.processor';

describe('detect processor wiring', () => {
  it('derives the detection key prefix from QUEUE_PREFIX without hash-tag braces', () => {
    expect(detectionKeyPrefix('{wf}')).toBe('wf:');
    expect(detectionKeyPrefix('{wf-test-ab12}')).toBe('wf-test-ab12:');
    expect(detectionKeyPrefix('plain')).toBe('plain:');
  });

  it('emits incident domain events to the sla queue with deterministic job ids', async () => {
    const added: { name: string; data: IncidentEventJobData; opts: { jobId: string } }[][] = [];
    const fake = { addBulk: async (jobs: (typeof added)[number]) => void added.push(jobs) } as unknown as Queue<IncidentEventJobData>;
    await incidentEventEmitter(fake)('6f0c3f1e-1111-4222-8333-444455556666', [
      { incidentId: 'i-1', kind: 'opened', type: 'incident.opened', version: 1 },
      { incidentId: 'i-2', kind: 'severity_changed', type: 'incident.severity_changed', version: 3 },
    ]);
    expect(added).toHaveLength(1);
    expect(added[0].map((j) => [j.name, j.opts.jobId, j.data.type, j.data.tenantId])).toEqual([
      ['incident-event', 'i-1:incident.opened:1', 'incident.opened', '6f0c3f1e-1111-4222-8333-444455556666'],
      ['incident-event', 'i-2:incident.severity_changed:3', 'incident.severity_changed', '6f0c3f1e-1111-4222-8333-444455556666'],
    ]);
  });
});
