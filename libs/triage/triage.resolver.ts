import { InjectQueue } from '@nestjs/bullmq';
import { Args, ID, Int, Mutation, Resolver, Subscription } from '@nestjs/graphql';
import type { Queue } from 'bullmq';
import type { IncidentEventJobData } from '@watchfloor/queue';
import { createLogger } from '@watchfloor/telemetry';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, isCustomer, Role, Roles, SOC_ROLES, withCallerScope } from '@watchfloor/auth';
import { formatResolverError, invalidInput, notFound } from '@watchfloor/errors';
import type { ScopedTx } from '@watchfloor/tenancy';
import { TenantDb } from '@watchfloor/tenancy';
import { IncidentChangeHub, type IncidentChangeMessage } from './incident-changes';
import { emitIncidentEvents } from './incident-events';
import { incidentById } from './incident-store';
import { IncidentStatus, Severity } from './incident-workflow';
import {
  acknowledgeIncident, addComment, assignIncident, markFalsePositive, mergeIncidents, type TriageOutcome,
  updateIncidentSeverity, updateIncidentStatus,
} from './triage-service';
import {
  ActivityObject, type ActivityRow, BulkIncidentResultObject, CommentVisibility, IncidentChangeKind, IncidentChangeObject, IncidentObject,
  type IncidentRow, SuppressionInput,
} from './triage.types';

const TRIAGERS = SOC_ROLES as Role[];
const COMMENTERS = [...TRIAGERS, Role.CUSTOMER_ADMIN, Role.CUSTOMER_VIEWER];
export const MAX_BULK_IDS = 100;
const log = createLogger('watchfloor-api');

function messagesOf(outcome: TriageOutcome): IncidentChangeMessage[] {
  const own = outcome.activities.map((a) => ({
    kind: 'UPDATED' as const,
    tenantId: outcome.incident.tenantId,
    incidentId: outcome.incident.id,
    version: outcome.incident.version,
    at: new Date().toISOString(),
    activity: { id: a.id, kind: a.kind, body: a.body, visibility: a.visibility, actorId: a.actorId, actorKind: a.actorKind, createdAt: new Date(a.createdAt).toISOString() },
  }));
  return [...own, ...outcome.others.flatMap(messagesOf)];
}

@Resolver()
export class TriageResolver {
  constructor(
    private readonly db: TenantDb,
    private readonly hub: IncidentChangeHub,
    @InjectQueue('sla') private readonly sla: Queue<IncidentEventJobData>,
  ) {}

  /** Runs one triage operation in the caller's scope, then (after commit) tells subscribers. */
  private async run(caller: Caller, op: (tx: ScopedTx) => Promise<TriageOutcome>): Promise<IncidentRow> {
    const outcome = await withCallerScope(this.db, caller, op);
    await this.publish(outcome);
    return outcome.incident;
  }

  private async publish(outcome: TriageOutcome): Promise<void> {
    // Committed already: a Redis hiccup must not turn a done change into an error.
    await Promise.all(messagesOf(outcome).map((m) => this.hub.publish(m).catch(() => undefined)));
    // SLA clocks and escalation follow the change; a lost event is caught up by the SLA sweeper.
    await emitIncidentEvents(this.sla, outcome).catch((err: unknown) => log.warn({ err, incidentId: outcome.incident.id }, 'incident events not enqueued; the SLA sweep will catch up'));
  }

  private async bulk(caller: Caller, ids: string[], op: (tx: ScopedTx, id: string) => Promise<TriageOutcome>): Promise<BulkIncidentResultObject[]> {
    const unique = [...new Set(ids)];
    if (!unique.length || unique.length > MAX_BULK_IDS) throw invalidInput(`give 1 to ${MAX_BULK_IDS} ids`);
    const results: BulkIncidentResultObject[] = [];
    // One transaction per id: one refused incident does not undo the others.
    for (const id of unique) {
      try {
        const incident = await this.run(caller, (tx) => op(tx, id));
        results.push({ id, ok: true, incident, errorCode: null, errorMessage: null });
      } catch (err) {
        const mapped = formatResolverError(err);
        if (!mapped) throw err;
        results.push({ id, ok: false, incident: null, errorCode: mapped.code, errorMessage: mapped.message });
      }
    }
    return results;
  }

  @Roles(...TRIAGERS)
  @Mutation(() => IncidentObject, { description: 'NEW → ACKNOWLEDGED (stops the acknowledge SLA clock).' })
  acknowledgeIncident(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<IncidentRow> {
    return this.run(caller, (tx) => acknowledgeIncident(tx, caller, id, expectedVersion));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => IncidentObject, { description: 'Assigns to a SOC user covering the tenant; userId null unassigns.' })
  assignIncident(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('userId', { type: () => ID, nullable: true }) userId: string | null,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<IncidentRow> {
    return this.run(caller, (tx) => assignIncident(tx, caller, id, userId ?? null, expectedVersion));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => IncidentObject, { description: 'Moves the incident along its workflow; an illegal move is BAD_USER_INPUT with extensions.allowed.' })
  updateIncidentStatus(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('status', { type: () => IncidentStatus }) status: IncidentStatus,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<IncidentRow> {
    return this.run(caller, (tx) => updateIncidentStatus(tx, caller, id, status, reason, expectedVersion));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => IncidentObject)
  updateIncidentSeverity(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('severity', { type: () => Severity }) severity: Severity,
    @Args('reason') reason: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<IncidentRow> {
    return this.run(caller, (tx) => updateIncidentSeverity(tx, caller, id, severity, reason, expectedVersion));
  }

  @Roles(...COMMENTERS)
  @Mutation(() => ActivityObject, { description: 'INTERNAL notes are for SOC staff; a customer\'s comment is always CUSTOMER, whatever visibility says.' })
  async addComment(
    @CurrentCaller() caller: Caller,
    @Args('incidentId', { type: () => ID }) incidentId: string,
    @Args('body') body: string,
    @Args('visibility', { type: () => CommentVisibility, defaultValue: CommentVisibility.INTERNAL }) visibility: CommentVisibility,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<ActivityRow> {
    const { outcome, comment } = await withCallerScope(this.db, caller, (tx) => addComment(tx, caller, incidentId, body, visibility, expectedVersion));
    await this.publish(outcome);
    return comment;
  }

  @Roles(...TRIAGERS)
  @Mutation(() => IncidentObject, { description: "Moves the sources' alerts and timeline into the target and closes the sources." })
  mergeIncidents(
    @CurrentCaller() caller: Caller,
    @Args('targetId', { type: () => ID }) targetId: string,
    @Args('sourceIds', { type: () => [ID] }) sourceIds: string[],
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<IncidentRow> {
    return this.run(caller, (tx) => mergeIncidents(tx, caller, targetId, sourceIds, expectedVersion));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => IncidentObject, { description: 'Marks a false positive; with suppress, also silences matching alerts from now on.' })
  markFalsePositive(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
    @Args('suppress', { type: () => SuppressionInput, nullable: true }) suppress: SuppressionInput | null,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null,
  ): Promise<IncidentRow> {
    return this.run(caller, (tx) => markFalsePositive(tx, caller, id, reason, suppress, expectedVersion));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => [BulkIncidentResultObject], { description: `Acknowledges up to ${MAX_BULK_IDS} incidents, each on its own.` })
  bulkAcknowledge(@CurrentCaller() caller: Caller, @Args('ids', { type: () => [ID] }) ids: string[]): Promise<BulkIncidentResultObject[]> {
    return this.bulk(caller, ids, (tx, id) => acknowledgeIncident(tx, caller, id));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => [BulkIncidentResultObject])
  bulkAssign(
    @CurrentCaller() caller: Caller,
    @Args('ids', { type: () => [ID] }) ids: string[],
    @Args('userId', { type: () => ID, nullable: true }) userId: string | null,
  ): Promise<BulkIncidentResultObject[]> {
    return this.bulk(caller, ids, (tx, id) => assignIncident(tx, caller, id, userId ?? null));
  }

  @Roles(...TRIAGERS)
  @Mutation(() => [BulkIncidentResultObject])
  bulkUpdateStatus(
    @CurrentCaller() caller: Caller,
    @Args('ids', { type: () => [ID] }) ids: string[],
    @Args('status', { type: () => IncidentStatus }) status: IncidentStatus,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<BulkIncidentResultObject[]> {
    return this.bulk(caller, ids, (tx, id) => updateIncidentStatus(tx, caller, id, status, reason));
  }

  @Subscription(() => IncidentChangeObject, {
    description: "Live changes to incidents of the caller's tenants (or the listed ones). Customers never receive internal activity.",
    resolve: (value: IncidentChangeObject) => value,
  })
  incidentChanged(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('tenantIds', { type: () => [ID], nullable: true }) tenantIds: string[] | null,
  ): AsyncIterableIterator<IncidentChangeObject> {
    for (const id of tenantIds ?? []) if (!callerSees(caller, id)) throw notFound('tenant', id);
    const wanted = tenantIds?.length ? new Set(tenantIds.map((t) => t.toLowerCase())) : null;
    const customer = isCustomer(caller);
    return this.hub.listen<IncidentChangeObject>(
      (m) => callerSees(caller, m.tenantId) && (!wanted || wanted.has(m.tenantId)) && (!customer || !m.activity || m.activity.visibility === CommentVisibility.CUSTOMER),
      async (m) => {
        // Reloaded in the subscriber's own scope; loaders are cleared so nested fields are fresh too.
        ctx.loaders.clear();
        const incident = await withCallerScope(this.db, caller, (tx) => incidentById(tx, m.incidentId));
        if (!incident) return null;
        return {
          kind: m.kind === 'CREATED' ? IncidentChangeKind.CREATED : IncidentChangeKind.UPDATED,
          incidentId: m.incidentId,
          tenantId: m.tenantId,
          version: m.version,
          at: new Date(m.at),
          incident: incident as IncidentObject,
          activity: m.activity
            ? ({ ...m.activity, incidentId: m.incidentId, visibility: m.activity.visibility as CommentVisibility, createdAt: new Date(m.activity.createdAt), actorId: m.activity.actorId ?? null } as ActivityObject)
            : null,
        };
      },
    );
  }
}
