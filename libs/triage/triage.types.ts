import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@watchfloor/pagination';
import { JSONScalar } from '@watchfloor/scalars';
import { IncidentStatus, Severity } from './incident-workflow';

export enum CommentVisibility { INTERNAL = 'INTERNAL', CUSTOMER = 'CUSTOMER' }
export enum IncidentOrderField { CREATED_AT = 'CREATED_AT', UPDATED_AT = 'UPDATED_AT', SEVERITY = 'SEVERITY', NUMBER = 'NUMBER' }
export enum OrderDirection { ASC = 'ASC', DESC = 'DESC' }
export enum IncidentChangeKind { CREATED = 'CREATED', UPDATED = 'UPDATED' }

registerEnumType(IncidentStatus, { name: 'IncidentStatus' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(CommentVisibility, { name: 'CommentVisibility' });
registerEnumType(IncidentOrderField, { name: 'IncidentOrderField' });
registerEnumType(OrderDirection, { name: 'OrderDirection' });
registerEnumType(IncidentChangeKind, { name: 'IncidentChangeKind' });

/** Columns of an incident as the API reads them. */
export interface IncidentRow {
  id: string;
  tenantId: string;
  number: number;
  title: string;
  summary: string;
  status: IncidentStatus;
  severity: Severity;
  assigneeId: string | null;
  alertCount: number;
  techniques: string[];
  assetIds: string[];
  mergedIntoId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

@ObjectType('Incident')
export class IncidentObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => Int, { description: 'Human-friendly incident number.' }) number: number;
  @Field() title: string;
  @Field() summary: string;
  @Field(() => IncidentStatus) status: IncidentStatus;
  @Field(() => Severity) severity: Severity;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt: Date | null;
  @Field(() => Date, { nullable: true }) resolvedAt: Date | null;
  @Field(() => Date, { nullable: true }) closedAt: Date | null;
  @Field(() => Int) alertCount: number;
  @Field(() => [String], { description: 'MITRE ATT&CK technique ids.' }) techniques: string[];
  @Field(() => ID, { nullable: true, description: 'Set when this incident was merged into another.' }) mergedIntoId: string | null;
  @Field(() => Int, { description: 'Bumped by every change; pass it as expectedVersion to detect concurrent edits.' }) version: number;
}

export const IncidentConnection = ConnectionType(IncidentObject, 'Incident');

export interface ActivityRow {
  id: string;
  tenantId: string;
  incidentId: string;
  kind: string;
  body: string;
  visibility: CommentVisibility;
  actorId: string | null;
  actorKind: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

@ObjectType('Activity', { description: 'One timeline entry of an incident.' })
export class ActivityObject {
  @Field(() => ID) id: string;
  @Field(() => ID) incidentId: string;
  @Field() kind: string;
  @Field() body: string;
  @Field(() => CommentVisibility) visibility: CommentVisibility;
  @Field() actorKind: string;
  @Field(() => Date) createdAt: Date;
}

export interface AlertRow {
  id: string;
  tenantId: string;
  ruleId: string | null;
  ruleRef: string;
  ruleKind: string;
  ruleTitle: string;
  ruleAuthor: string | null;
  severity: Severity;
  disposition: string;
  createdAt: Date;
  eventTs: Date;
  srcIp: string | null;
  dstIp: string | null;
  techniques: string[];
  eventCount: number;
  eventIds: string[];
  incidentId: string | null;
  details: unknown;
}

@ObjectType('Alert')
export class AlertObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => ID, { nullable: true, description: 'Hidden (null) from customers.' }) ruleId: string | null;
  @Field() ruleTitle: string;
  @Field(() => String, { nullable: true, description: 'Credited as the Sigma licence asks.' }) ruleAuthor: string | null;
  @Field(() => Severity) severity: Severity;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) eventTs: Date;
  @Field(() => String, { nullable: true }) srcIp: string | null;
  @Field(() => String, { nullable: true }) dstIp: string | null;
  @Field(() => [String]) techniques: string[];
  @Field(() => Int) eventCount: number;
  @Field(() => JSONScalar, { nullable: true, description: 'Detection internals; hidden (null) from customers.' }) details: unknown;
}

export const AlertConnection = ConnectionType(AlertObject, 'Alert');

@InputType('IncidentFilter')
export class IncidentFilter {
  @Field(() => [ID], { nullable: true }) tenantIds?: string[] | null;
  @Field(() => [IncidentStatus], { nullable: true }) status?: IncidentStatus[] | null;
  @Field(() => [Severity], { nullable: true }) severity?: Severity[] | null;
  @Field(() => ID, { nullable: true }) assigneeId?: string | null;
  @Field(() => Date, { nullable: true }) createdAfter?: Date | null;
  @Field(() => Date, { nullable: true }) createdBefore?: Date | null;
  @Field(() => String, { nullable: true, description: 'Words in the title or summary, or an incident number.' }) search?: string | null;
  @Field(() => Boolean, { nullable: true }) slaBreached?: boolean | null;
}

@InputType('IncidentOrder')
export class IncidentOrder {
  @Field(() => IncidentOrderField, { defaultValue: IncidentOrderField.CREATED_AT }) field: IncidentOrderField;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC }) direction: OrderDirection;
}

@InputType('AlertFilter')
export class AlertFilter {
  @Field(() => [ID], { nullable: true }) tenantIds?: string[] | null;
  @Field(() => [Severity], { nullable: true }) severity?: Severity[] | null;
  @Field(() => ID, { nullable: true }) ruleId?: string | null;
  @Field(() => ID, { nullable: true }) incidentId?: string | null;
  @Field(() => Date, { nullable: true }) createdAfter?: Date | null;
  @Field(() => Date, { nullable: true }) createdBefore?: Date | null;
}

@InputType('SuppressionInput')
export class SuppressionInput {
  @Field(() => ID, { nullable: true }) ruleId?: string | null;
  @Field(() => JSONScalar, { description: 'Field values an alert must match to be suppressed, e.g. {"src_ip": "10.0.0.5"}.' }) match: Record<string, unknown>;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@ObjectType('BulkIncidentResult', { description: 'The outcome for one id of a bulk operation.' })
export class BulkIncidentResultObject {
  @Field(() => ID) id: string;
  @Field() ok: boolean;
  @Field(() => IncidentObject, { nullable: true }) incident: IncidentObject | null;
  @Field(() => String, { nullable: true, description: 'NOT_FOUND, BAD_USER_INPUT, CONFLICT, …' }) errorCode: string | null;
  @Field(() => String, { nullable: true }) errorMessage: string | null;
}

@ObjectType('IncidentChange', { description: 'Something happened to an incident (live updates).' })
export class IncidentChangeObject {
  @Field(() => IncidentChangeKind) kind: IncidentChangeKind;
  @Field(() => ID) incidentId: string;
  @Field(() => ID) tenantId: string;
  @Field(() => Int) version: number;
  @Field(() => Date) at: Date;
  @Field(() => IncidentObject, { nullable: true, description: 'The incident as the subscriber may see it now.' }) incident: IncidentObject | null;
  @Field(() => ActivityObject, { nullable: true }) activity: ActivityObject | null;
}
