import { Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Queue } from 'bullmq';
import { appendAudit } from '@watchfloor/audit';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, loaderFor, Role, Roles, SOC_ROLES, withCallerRead, withCallerScope } from '@watchfloor/auth';
import { notFound } from '@watchfloor/errors';
import { type Connection, pageSize } from '@watchfloor/pagination';
import {
  createWebhookEndpoint, type DeliverJobData, type DeliveryView, enqueueRedelivery, type EscalationPolicyRecord, listDeliveries, listEscalationPolicies,
  listWebhookEndpoints, redeliver, rotateWebhookSecret, SECRET_ROTATION_DEFAULT_OVERLAP_SECONDS, type Severity as PagingSeverity, upsertEscalationPolicy,
  type WebhookEndpointRecord,
} from '@watchfloor/paging';
import { createLogger, injectTraceContext } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';
import { Severity } from '@watchfloor/triage';
import { mapServiceErrors } from './service-errors';
import { SOC_ADMIN_OPTIONS, type SocAdminOptions } from './soc-admin.options';
import {
  DeliveryConnection, DeliveryObject, DeliveryStatus, EscalationPolicyInput, EscalationPolicyObject, WebhookEndpointInput, WebhookEndpointObject, WebhookKind,
} from './paging.types';

const MANAGERS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD];
const READERS = SOC_ROLES as Role[];
const log = createLogger('watchfloor-api');

function visibleTenant(caller: Caller, tenantId: string): void {
  if (typeof tenantId === 'string' && !callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
}

/** Never carries a secret: only createWebhookEndpoint sets one, on its own response. */
export function presentEndpoint(e: WebhookEndpointRecord): WebhookEndpointObject {
  return {
    id: e.id, tenantId: e.tenantId, name: e.name, kind: e.kind as WebhookKind, url: e.url, enabled: e.enabled, disabledReason: e.disabledReason,
    previousSecretExpiresAt: e.previousSecretExpiresAt, createdAt: e.createdAt, secret: null,
  };
}

function presentPolicy(p: EscalationPolicyRecord): EscalationPolicyObject {
  return { ...p, minSeverity: p.minSeverity as Severity, levels: p.levels.map((l) => ({ delaySeconds: l.delaySeconds, webhookEndpointIds: l.webhookEndpointIds })) };
}

function presentDelivery(d: DeliveryView): DeliveryObject {
  return {
    id: d.id, tenantId: d.tenantId, endpointId: d.endpointId, incidentId: d.incidentId, eventType: d.eventType, status: d.status as DeliveryStatus,
    attemptCount: d.attemptCount, lastStatusCode: d.lastStatusCode, lastError: d.lastError, createdAt: d.createdAt, deliveredAt: d.deliveredAt,
    nextAttemptAt: d.nextAttemptAt, messageId: d.messageId,
    attempts: d.attempts.map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error, createdAt: a.createdAt })),
  };
}

const ENDPOINT_COLUMNS = `id, tenant_id AS "tenantId", name, kind, url, enabled, disabled_reason AS "disabledReason",
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS "previousSecretExpiresAt", created_at AS "createdAt"`;

function endpointLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, WebhookEndpointObject | null>(ctx, 'webhook-endpoints', async (keys) => {
    const pairs = keys.map((k) => k.split(':'));
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<Omit<WebhookEndpointObject, 'secret'>>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      ),
    );
    const byKey = new Map(rows.map((r) => [`${r.tenantId}:${r.id}`, { ...r, secret: null }]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

@Resolver(() => WebhookEndpointObject)
export class WebhookEndpointResolver {
  constructor(
    private readonly db: TenantDb,
    @Inject(SOC_ADMIN_OPTIONS) private readonly options: SocAdminOptions,
  ) {}

  @Roles(...READERS)
  @Query(() => [WebhookEndpointObject], { description: "The tenant's webhook endpoints, oldest first; secrets are never returned." })
  async webhookEndpoints(@CurrentCaller() caller: Caller, @Ctx() ctx: ApiContext, @Args('tenantId', { type: () => ID }) tenantId: string): Promise<WebhookEndpointObject[]> {
    visibleTenant(caller, tenantId);
    return mapServiceErrors(async () => (await withCallerRead(ctx, this.db, (tx) => listWebhookEndpoints(tx, tenantId))).map(presentEndpoint));
  }

  @Roles(...MANAGERS)
  @Mutation(() => WebhookEndpointObject, {
    description: 'Adds an endpoint after an SSRF check of its URL. A generated STANDARD secret is returned in this response only; store it now.',
  })
  async createWebhookEndpoint(@CurrentCaller() caller: Caller, @Args('input', { type: () => WebhookEndpointInput }) input: WebhookEndpointInput): Promise<WebhookEndpointObject> {
    visibleTenant(caller, input.tenantId);
    return mapServiceErrors(() =>
      withCallerScope(this.db, caller, async (tx) => {
        const created = await createWebhookEndpoint(
          tx,
          { tenantId: input.tenantId, name: input.name, kind: input.kind, url: input.url, secret: input.secret ?? null, routingKey: input.routingKey ?? null },
          { allowPrivate: this.options.allowPrivateWebhooks, secretBox: this.options.secretBox, resolve: this.options.resolveHost },
        );
        const endpoint = presentEndpoint(created.endpoint);
        await appendAudit(tx, {
          tenantId: endpoint.tenantId, actorId: caller.userId, actorKind: 'user', action: 'webhook_endpoint.created', targetType: 'webhook_endpoint', targetId: endpoint.id,
          after: { name: endpoint.name, kind: endpoint.kind, url: endpoint.url }, requestId: caller.requestId,
        });
        // A secret the caller chose is not echoed back: they have it, and responses end up in logs.
        const generated = input.kind === WebhookKind.STANDARD && (input.secret === null || input.secret === undefined);
        return { ...endpoint, secret: generated ? created.secret : null };
      }),
    );
  }

  @Roles(...MANAGERS)
  @Mutation(() => WebhookEndpointObject, {
    description:
      "Replaces a STANDARD endpoint's signing secret. For overlapSeconds (default 86400, at most 7 days; 0: at once) deliveries are signed with the new and the old secret, so the receiver can switch without rejecting a page. A generated secret is returned in this response only.",
  })
  async rotateWebhookSecret(
    @CurrentCaller() caller: Caller,
    @Args('endpointId', { type: () => ID }) endpointId: string,
    @Args('secret', { type: () => String, nullable: true, description: 'whsec_<base64>; generated when absent.' }) secret: string | null,
    @Args('overlapSeconds', { type: () => Int, defaultValue: SECRET_ROTATION_DEFAULT_OVERLAP_SECONDS }) overlapSeconds: number,
  ): Promise<WebhookEndpointObject> {
    return mapServiceErrors(() =>
      withCallerScope(this.db, caller, async (tx) => {
        const rotated = await rotateWebhookSecret(tx, { endpointId, secret, overlapSeconds }, { secretBox: this.options.secretBox });
        const endpoint = presentEndpoint(rotated.endpoint);
        await appendAudit(tx, {
          tenantId: endpoint.tenantId, actorId: caller.userId, actorKind: 'user', action: 'webhook_endpoint.secret_rotated', targetType: 'webhook_endpoint', targetId: endpoint.id,
          after: { previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null, generated: secret === null || secret === undefined }, requestId: caller.requestId,
        });
        return { ...endpoint, secret: secret === null || secret === undefined ? rotated.secret : null };
      }),
    );
  }
}

@Resolver(() => EscalationPolicyObject)
export class EscalationPolicyResolver {
  constructor(private readonly db: TenantDb) {}

  @Roles(...READERS)
  @Query(() => [EscalationPolicyObject], { description: "The tenant's escalation policies by name." })
  escalationPolicies(@CurrentCaller() caller: Caller, @Ctx() ctx: ApiContext, @Args('tenantId', { type: () => ID }) tenantId: string): Promise<EscalationPolicyObject[]> {
    visibleTenant(caller, tenantId);
    return mapServiceErrors(async () => (await withCallerRead(ctx, this.db, (tx) => listEscalationPolicies(tx, tenantId))).map(presentPolicy));
  }

  @Roles(...MANAGERS)
  @Mutation(() => EscalationPolicyObject, { description: "Creates or replaces a policy; every endpoint id must be one of the tenant's endpoints." })
  upsertEscalationPolicy(@CurrentCaller() caller: Caller, @Args('input', { type: () => EscalationPolicyInput }) input: EscalationPolicyInput): Promise<EscalationPolicyObject> {
    visibleTenant(caller, input.tenantId);
    return mapServiceErrors(() =>
      withCallerScope(this.db, caller, async (tx) => {
        const policy = await upsertEscalationPolicy(tx, {
          id: input.id ?? null,
          tenantId: input.tenantId,
          name: input.name,
          minSeverity: input.minSeverity as PagingSeverity,
          repeat: input.repeat,
          ackTimeoutSeconds: input.ackTimeoutSeconds ?? null,
          levels: input.levels.map((l) => ({ delaySeconds: l.delaySeconds, webhookEndpointIds: l.webhookEndpointIds })),
        });
        await appendAudit(tx, {
          tenantId: policy.tenantId, actorId: caller.userId, actorKind: 'user', action: input.id ? 'escalation_policy.updated' : 'escalation_policy.created',
          targetType: 'escalation_policy', targetId: policy.id, after: presentPolicy(policy), requestId: caller.requestId,
        });
        return presentPolicy(policy);
      }),
    );
  }
}

@Resolver(() => DeliveryObject)
export class DeliveryResolver {
  constructor(
    private readonly db: TenantDb,
    @InjectQueue('deliver') private readonly deliverQueue: Queue<DeliverJobData>,
  ) {}

  @Roles(...READERS)
  @Query(() => DeliveryConnection, { description: "Webhook deliveries in the caller's tenants (or of one incident), newest first." })
  async deliveries(
    @Ctx() ctx: ApiContext,
    @Args('incidentId', { type: () => ID, nullable: true }) incidentId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<DeliveryObject>> {
    const limit = pageSize(first);
    return mapServiceErrors(() =>
      withCallerRead(ctx, this.db, async (tx) => {
        if (incidentId) {
          // Another tenant's incident is NOT_FOUND, not an empty list.
          const found = await tx.query(`SELECT 1 FROM incidents WHERE id = $1`, [incidentId]);
          if (found.length === 0) throw notFound('incident', incidentId);
        }
        const page = await listDeliveries(tx, { incidentId, first: Math.max(limit, 1), after });
        const edges = page.edges.slice(0, limit).map((e) => ({ cursor: e.cursor, node: presentDelivery(e.node) }));
        return {
          edges,
          pageInfo: { hasNextPage: limit === 0 ? page.edges.length > 0 : page.pageInfo.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
          totalCount: page.totalCount,
        };
      }),
    );
  }

  @Roles(...MANAGERS)
  @Mutation(() => DeliveryObject, { description: 'Sends a delivered, failed or dead delivery again (same webhook-id and body); CONFLICT while it is pending.' })
  async redeliver(@CurrentCaller() caller: Caller, @Args('deliveryId', { type: () => ID }) deliveryId: string): Promise<DeliveryObject> {
    const view = await mapServiceErrors(() =>
      withCallerScope(this.db, caller, async (tx) => {
        const v = await redeliver(tx, deliveryId);
        await appendAudit(tx, {
          tenantId: v.tenantId, actorId: caller.userId, actorKind: 'user', action: 'delivery.redelivered', targetType: 'delivery', targetId: v.id,
          after: { status: v.status, endpointId: v.endpointId }, requestId: caller.requestId,
        });
        return v;
      }),
    );
    // After commit. If Redis fails here, the worker's stalled-delivery sweep sends it later.
    await enqueueRedelivery(this.deliverQueue, view, injectTraceContext()).catch((err: unknown) => log.warn({ err, deliveryId: view.id }, 'redeliver: enqueue failed; left to the stalled-delivery sweep'));
    return presentDelivery(view);
  }

  @ResolveField(() => WebhookEndpointObject, { nullable: true, description: 'Null if the endpoint was deleted.' })
  endpoint(@Parent() delivery: DeliveryObject, @Ctx() ctx: ApiContext): Promise<WebhookEndpointObject | null> {
    return endpointLoader(ctx, this.db).load(`${delivery.tenantId}:${delivery.endpointId}`);
  }
}
