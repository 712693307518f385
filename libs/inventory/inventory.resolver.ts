import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, Role, Roles, withCallerRead, withCallerScope } from '@watchfloor/auth';
import { appendAudit } from '@watchfloor/audit';
import { notFound } from '@watchfloor/errors';
import { type Connection, decodeCursor, pageSize, toConnection } from '@watchfloor/pagination';
import { createSensorWithKey, revokeSensorKeys, SENSOR_COLUMNS } from '@watchfloor/sensors';
import { TenantDb } from '@watchfloor/tenancy';
import { vulnerabilitiesByAssetLoader, zoneLoader } from './inventory-loaders';
import { ASSET_COLUMNS, CONDUIT_COLUMNS, upsertAsset, upsertAssetVulnerability, upsertConduit, upsertZone, ZONE_COLUMNS } from './inventory-store';
import {
  AssetConnection, AssetInput, AssetObject, AssetVulnerabilityInput, AssetVulnerabilityObject, ConduitInput, ConduitObject, CreateSensorInput,
  SensorObject, SensorWithKeyObject, ZoneInput, ZoneObject,
} from './inventory.types';

const EDITORS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD, Role.SOC_ANALYST, Role.CUSTOMER_ADMIN];
const SENSOR_ADMINS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD];

/** Another tenant's id is NOT_FOUND, never FORBIDDEN: its existence is not revealed. */
function visibleTenant(caller: Caller, tenantId: string): void {
  if (!callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
}

/** Queries read through the request's shared read transaction; mutations open their own and commit. */
@Resolver(() => AssetObject)
export class InventoryResolver {
  constructor(private readonly db: TenantDb) {}

  @Query(() => AssetConnection, { description: "A tenant's assets by name." })
  async assets(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<AssetObject>> {
    visibleTenant(caller, tenantId);
    const limit = pageSize(first);
    const cursor = decodeCursor(after, 2);
    return withCallerRead(ctx, this.db, async (tx) => {
      const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM assets WHERE tenant_id = $1`, [tenantId]);
      const rows = await tx.query<AssetObject>(
        `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.tenant_id = $1 AND ($2::text IS NULL OR (a.name, a.id) > ($2::text, $3::uuid))
         ORDER BY a.name, a.id LIMIT $4`,
        [tenantId, cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
      );
      return toConnection(rows, limit, n, (r) => [r.name, r.id], (r) => r);
    });
  }

  @Query(() => [ZoneObject])
  zones(@CurrentCaller() caller: Caller, @Ctx() ctx: ApiContext, @Args('tenantId', { type: () => ID }) tenantId: string): Promise<ZoneObject[]> {
    visibleTenant(caller, tenantId);
    return withCallerRead(ctx, this.db, (tx) => tx.query<ZoneObject>(`SELECT ${ZONE_COLUMNS} FROM zones WHERE tenant_id = $1 ORDER BY purdue_level, name`, [tenantId]));
  }

  @Query(() => [ConduitObject])
  conduits(@CurrentCaller() caller: Caller, @Ctx() ctx: ApiContext, @Args('tenantId', { type: () => ID }) tenantId: string): Promise<ConduitObject[]> {
    visibleTenant(caller, tenantId);
    return withCallerRead(ctx, this.db, (tx) => tx.query<ConduitObject>(`SELECT ${CONDUIT_COLUMNS} FROM conduits WHERE tenant_id = $1 ORDER BY protocol, id`, [tenantId]));
  }

  @Roles(...SENSOR_ADMINS, Role.SOC_ANALYST, Role.CUSTOMER_ADMIN)
  @Query(() => [SensorObject])
  sensors(@CurrentCaller() caller: Caller, @Ctx() ctx: ApiContext, @Args('tenantId', { type: () => ID }) tenantId: string): Promise<SensorObject[]> {
    visibleTenant(caller, tenantId);
    return withCallerRead(ctx, this.db, (tx) => tx.query<SensorObject>(`SELECT ${SENSOR_COLUMNS} FROM sensors s WHERE s.tenant_id = $1 ORDER BY s.name`, [tenantId]));
  }

  @Roles(...EDITORS)
  @Mutation(() => ZoneObject)
  upsertZone(@CurrentCaller() caller: Caller, @Args('input') input: ZoneInput): Promise<ZoneObject> {
    visibleTenant(caller, input.tenantId);
    return withCallerScope(this.db, caller, (tx) => upsertZone(tx, caller, input));
  }

  @Roles(...EDITORS)
  @Mutation(() => ConduitObject)
  upsertConduit(@CurrentCaller() caller: Caller, @Args('input') input: ConduitInput): Promise<ConduitObject> {
    visibleTenant(caller, input.tenantId);
    return withCallerScope(this.db, caller, (tx) => upsertConduit(tx, caller, input));
  }

  @Roles(...EDITORS)
  @Mutation(() => AssetObject)
  upsertAsset(@CurrentCaller() caller: Caller, @Args('input') input: AssetInput): Promise<AssetObject> {
    visibleTenant(caller, input.tenantId);
    return withCallerScope(this.db, caller, (tx) => upsertAsset(tx, caller, input));
  }

  @Roles(...EDITORS)
  @Mutation(() => AssetVulnerabilityObject)
  upsertAssetVulnerability(@CurrentCaller() caller: Caller, @Args('input') input: AssetVulnerabilityInput): Promise<AssetVulnerabilityObject> {
    visibleTenant(caller, input.tenantId);
    return withCallerScope(this.db, caller, (tx) => upsertAssetVulnerability(tx, caller, input));
  }

  @Roles(...SENSOR_ADMINS)
  @Mutation(() => SensorWithKeyObject, { description: 'Creates a sensor and its API key; the key is shown only in this answer.' })
  createSensor(@CurrentCaller() caller: Caller, @Args('input') input: CreateSensorInput): Promise<SensorWithKeyObject> {
    visibleTenant(caller, input.tenantId);
    return withCallerScope(this.db, caller, async (tx) => {
      const created = await createSensorWithKey(tx, { tenantId: input.tenantId, name: input.name, kind: input.kind });
      await appendAudit(tx, {
        tenantId: input.tenantId, actorId: caller.userId, actorKind: 'user', action: 'sensor.created', targetType: 'sensor', targetId: created.sensor.id,
        after: { name: created.sensor.name, kind: created.sensor.kind }, requestId: caller.requestId,
      });
      return created as SensorWithKeyObject;
    });
  }

  @Roles(...SENSOR_ADMINS)
  @Mutation(() => SensorObject, { description: 'Revokes every active API key of the sensor.' })
  revokeApiKey(@CurrentCaller() caller: Caller, @Args('sensorId', { type: () => ID }) sensorId: string): Promise<SensorObject> {
    return withCallerScope(this.db, caller, async (tx) => {
      const sensor = await revokeSensorKeys(tx, sensorId);
      if (!sensor) throw notFound('sensor', sensorId);
      await appendAudit(tx, {
        tenantId: sensor.tenantId, actorId: caller.userId, actorKind: 'user', action: 'sensor.keys_revoked', targetType: 'sensor', targetId: sensorId,
        after: { keyRevokedAt: sensor.keyRevokedAt }, requestId: caller.requestId,
      });
      return sensor as SensorObject;
    });
  }

  @ResolveField(() => [AssetVulnerabilityObject])
  vulnerabilities(@Parent() asset: AssetObject, @Ctx() ctx: ApiContext): Promise<AssetVulnerabilityObject[]> {
    return vulnerabilitiesByAssetLoader(ctx, this.db).load(asset.id);
  }

  @ResolveField(() => ZoneObject, { nullable: true })
  zone(@Parent() asset: AssetObject, @Ctx() ctx: ApiContext): Promise<ZoneObject | null> | null {
    return asset.zoneId ? zoneLoader(ctx, this.db).load(asset.zoneId) : null;
  }
}

