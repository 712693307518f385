import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IncidentStatus, Severity } from '@watchfloor/triage';

@ObjectType('BusinessHours')
export class BusinessHoursObject {
  @Field(() => Int, { description: '1 = Monday … 7 = Sunday.' }) weekday: number;
  @Field({ description: 'Local wall time "HH:MM".' }) start: string;
  @Field({ description: 'Local wall time "HH:MM" ("24:00" = end of day).' }) end: string;
}

@ObjectType('SlaCalendar', { description: 'Business hours in a time zone, with holidays; a policy without one runs 24x7.' })
export class SlaCalendarObject {
  @Field({ description: 'IANA time zone, e.g. Europe/Berlin.' }) timezone: string;
  @Field(() => [BusinessHoursObject]) businessHours: BusinessHoursObject[];
  @Field(() => [String], { description: 'YYYY-MM-DD dates in the calendar zone.' }) holidays: string[];
}

@ObjectType('SlaPolicy', { description: "One version of a tenant's SLA targets for one severity. An upsert writes a new version; open incidents keep theirs." })
export class SlaPolicyObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) version: number;
  @Field(() => Int) acknowledgeMinutes: number;
  @Field(() => Int) resolveMinutes: number;
  @Field(() => SlaCalendarObject, { nullable: true, description: 'Null: 24x7.' }) calendar: SlaCalendarObject | null;
  @Field(() => [IncidentStatus], { description: 'Statuses that pause the resolve clock.' }) pauseStatuses: IncidentStatus[];
  @Field(() => Float, { description: 'Share of a target after which an sla.warning is sent.' }) warnFraction: number;
  @Field({ description: 'The version new incidents get.' }) active: boolean;
  @Field(() => Date) createdAt: Date;
}

@InputType('BusinessHoursInput')
export class BusinessHoursInput {
  @Field(() => Int, { description: '1 = Monday … 7 = Sunday.' }) weekday: number;
  @Field({ description: '"08:00"' }) start: string;
  @Field({ description: '"17:00"; "24:00" = end of day.' }) end: string;
}

@InputType('SlaCalendarInput')
export class SlaCalendarInput {
  @Field() timezone: string;
  @Field(() => [BusinessHoursInput]) businessHours: BusinessHoursInput[];
  @Field(() => [String], { nullable: true, description: 'YYYY-MM-DD' }) holidays?: string[] | null;
}

@InputType('SlaPolicyInput')
export class SlaPolicyInput {
  @Field(() => ID) tenantId: string;
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) acknowledgeMinutes: number;
  @Field(() => Int) resolveMinutes: number;
  @Field(() => SlaCalendarInput, { nullable: true, description: 'No calendar: 24x7.' }) calendar?: SlaCalendarInput | null;
  @Field(() => [IncidentStatus], { nullable: true, description: 'Default [AWAITING_CUSTOMER].' }) pauseStatuses?: IncidentStatus[] | null;
  @Field(() => Float, { nullable: true, description: 'Default 0.8; strictly between 0 and 1.' }) warnFraction?: number | null;
}

@ObjectType('IncidentSla', { description: "The incident's SLA clocks under the policy version it carries." })
export class IncidentSlaObject {
  @Field(() => Date) acknowledgeDueAt: Date;
  @Field(() => Date) resolveDueAt: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt: Date | null;
  @Field(() => Date, { nullable: true }) resolvedAt: Date | null;
  @Field() acknowledgeBreached: boolean;
  @Field() resolveBreached: boolean;
  @Field({ description: 'The resolve clock is paused (e.g. AWAITING_CUSTOMER).' }) paused: boolean;
  @Field(() => Int, { nullable: true, description: 'Business seconds left on the running clock (negative once breached); null when no clock runs.' })
  remainingSeconds: number | null;
}
