import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@watchfloor/pagination';

export enum Criticality { LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH', CRITICAL = 'CRITICAL' }
export enum SensorKindEnum { SURICATA = 'SURICATA', ZEEK = 'ZEEK', FIREWALL = 'FIREWALL', OT_MONITOR = 'OT_MONITOR', OTHER = 'OTHER' }
export enum PatchState { UNPATCHED = 'UNPATCHED', MITIGATED = 'MITIGATED', PATCHED = 'PATCHED', NOT_AFFECTED = 'NOT_AFFECTED' }
registerEnumType(Criticality, { name: 'Criticality' });
registerEnumType(SensorKindEnum, { name: 'SensorKind' });
registerEnumType(PatchState, { name: 'PatchState' });

@ObjectType('Zone', { description: 'A network zone (IEC 62443) at one Purdue level.' })
export class ZoneObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => Int) purdueLevel: number;
  @Field(() => [String]) cidrs: string[];
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
}

@ObjectType('Conduit', { description: 'An allowed flow between two zones.' })
export class ConduitObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => ID) fromZoneId: string;
  @Field(() => ID) toZoneId: string;
  @Field() protocol: string;
  @Field(() => [Int], { nullable: true }) ports: number[] | null;
  @Field() bidirectional: boolean;
  @Field(() => String, { nullable: true }) description: string | null;
}

@ObjectType('AssetVulnerability')
export class AssetVulnerabilityObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => ID) assetId: string;
  @Field() cve: string;
  @Field(() => Float, { nullable: true }) cvss: number | null;
  @Field(() => PatchState) patchState: PatchState;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Date) firstSeenAt: Date;
  @Field(() => Date) updatedAt: Date;
}

@ObjectType('Asset')
export class AssetObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) ip: string | null;
  @Field(() => String, { nullable: true }) mac: string | null;
  @Field(() => String, { nullable: true }) kind: string | null;
  @Field(() => String, { nullable: true }) vendor: string | null;
  @Field(() => String, { nullable: true }) model: string | null;
  @Field(() => String, { nullable: true }) firmware: string | null;
  @Field(() => Int, { nullable: true }) purdueLevel: number | null;
  @Field(() => Criticality) criticality: Criticality;
  @Field(() => ID, { nullable: true }) zoneId: string | null;
  @Field(() => Date, { nullable: true }) firstSeenAt: Date | null;
  @Field(() => Date, { nullable: true }) lastSeenAt: Date | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
}

export const AssetConnection = ConnectionType(AssetObject, 'Asset');

@ObjectType('Sensor')
export class SensorObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => SensorKindEnum) kind: SensorKindEnum;
  @Field(() => Int) expectedIntervalSeconds: number;
  @Field(() => Date, { nullable: true }) lastEventAt: Date | null;
  @Field(() => Date, { nullable: true }) lastSeenAt: Date | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true, description: 'Set when every key of the sensor is revoked.' }) keyRevokedAt: Date | null;
}

@ObjectType('SensorWithKey')
export class SensorWithKeyObject {
  @Field(() => SensorObject) sensor: SensorObject;
  @Field({ description: 'The API key, shown once; only its hash is stored.' }) apiKey: string;
}

@InputType('CreateSensorInput')
export class CreateSensorInput {
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => SensorKindEnum) kind: SensorKindEnum;
}

@InputType('ZoneInput')
export class ZoneInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => Int) purdueLevel: number;
  @Field(() => [String]) cidrs: string[];
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType('ConduitInput')
export class ConduitInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => ID) tenantId: string;
  @Field(() => ID) fromZoneId: string;
  @Field(() => ID) toZoneId: string;
  @Field() protocol: string;
  @Field(() => [Int], { nullable: true }) ports?: number[] | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Boolean, { nullable: true }) bidirectional?: boolean | null;
}

@InputType('AssetInput')
export class AssetInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) ip?: string | null;
  @Field(() => String, { nullable: true }) mac?: string | null;
  @Field(() => String, { nullable: true }) kind?: string | null;
  @Field(() => String, { nullable: true }) vendor?: string | null;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => String, { nullable: true }) firmware?: string | null;
  @Field(() => Int, { nullable: true }) purdueLevel?: number | null;
  @Field(() => Criticality, { nullable: true }) criticality?: Criticality | null;
  @Field(() => ID, { nullable: true }) zoneId?: string | null;
}

@InputType('AssetVulnerabilityInput')
export class AssetVulnerabilityInput {
  @Field(() => ID) tenantId: string;
  @Field(() => ID) assetId: string;
  @Field() cve: string;
  @Field(() => Float, { nullable: true }) cvss?: number | null;
  @Field(() => PatchState, { nullable: true }) patchState?: PatchState | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}
