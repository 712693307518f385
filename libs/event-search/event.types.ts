import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@watchfloor/pagination';
import { JSONScalar } from '@watchfloor/scalars';

@ObjectType('Event', { description: 'One normalized sensor event.' })
export class EventObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => Date) ts: Date;
  @Field(() => Date) receivedAt: Date;
  @Field(() => ID) sensorId: string;
  @Field() sourceFormat: string;
  @Field() sourceProduct: string;
  @Field() sourceLog: string;
  @Field() eventClass: string;
  @Field(() => String, { nullable: true }) category: string | null;
  @Field(() => Int) severity: number;
  @Field(() => String, { nullable: true }) srcIp: string | null;
  @Field(() => Int, { nullable: true }) srcPort: number | null;
  @Field(() => String, { nullable: true }) dstIp: string | null;
  @Field(() => Int, { nullable: true }) dstPort: number | null;
  @Field(() => String, { nullable: true }) transport: string | null;
  @Field(() => String, { nullable: true }) appProtocol: string | null;
  @Field(() => String, { nullable: true }) communityId: string | null;
  @Field(() => String, { nullable: true }) signature: string | null;
  @Field(() => String, { nullable: true }) signatureId: string | null;
  @Field(() => [String], { nullable: true }) attackIds: string[] | null;
  @Field(() => String, { nullable: true }) otProtocol: string | null;
  @Field(() => String, { nullable: true }) otFunction: string | null;
  @Field(() => Int, { nullable: true }) otFunctionCode: number | null;
  @Field(() => Int, { nullable: true }) otUnitId: number | null;
  @Field(() => String, { nullable: true }) otOperation: string | null;
  @Field(() => String, { nullable: true }) message: string | null;
  @Field(() => JSONScalar, { description: 'The event as the sensor sent it.' }) raw: unknown;
}

export const EventConnection = ConnectionType(EventObject, 'Event');

@InputType('EventFilter')
export class EventFilter {
  @Field(() => [ID], { nullable: true }) tenantIds?: string[] | null;
  @Field(() => String, { nullable: true }) srcIp?: string | null;
  @Field(() => String, { nullable: true }) dstIp?: string | null;
  @Field(() => ID, { nullable: true }) sensorId?: string | null;
  @Field(() => Date, { nullable: true }) from?: Date | null;
  @Field(() => Date, { nullable: true }) to?: Date | null;
  @Field(() => String, { nullable: true }) eventClass?: string | null;
}
