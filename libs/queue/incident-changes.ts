// Live incident changes over Redis pub/sub, from the processes that make them (triage in the
// api, detection in the worker) to every api instance's subscription hub. One message format and
// one channel name for both sides.
import type { RedisClient } from './redis-connection';

/** `<prefix>incident-changes`, with the prefix of the detection state (detectionKeyPrefix: 'wf:'). */
export function incidentChangesChannel(keyPrefix: string): string {
  return `${keyPrefix}incident-changes`;
}

/** What travels on the channel: ids and the activity, never a whole incident (subscribers reload it in their own scope). */
export interface IncidentChangeMessage {
  kind: 'CREATED' | 'UPDATED';
  tenantId: string;
  incidentId: string;
  version: number;
  at: string;
  activity: {
    id: string;
    kind: string;
    body: string;
    visibility: 'INTERNAL' | 'CUSTOMER';
    actorId?: string | null;
    actorKind: string;
    createdAt: string;
  } | null;
}

export function isIncidentChangeMessage(value: unknown): value is IncidentChangeMessage {
  const m = value as IncidentChangeMessage;
  return (
    !!m &&
    typeof m === 'object' &&
    typeof m.tenantId === 'string' &&
    typeof m.incidentId === 'string' &&
    (m.kind === 'CREATED' || m.kind === 'UPDATED') &&
    typeof m.version === 'number' &&
    typeof m.at === 'string'
  );
}

export async function publishIncidentChanges(redis: RedisClient, channel: string, changes: IncidentChangeMessage[]): Promise<void> {
  if (changes.length === 0) return;
  const pipeline = redis.pipeline();
  for (const change of changes) pipeline.publish(channel, JSON.stringify(change));
  await pipeline.exec();
}
