import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@watchfloor/pagination';
import { JSONScalar } from '@watchfloor/scalars';

@ObjectType('AuditEntry', { description: 'One append-only, hash-chained audit record.' })
export class AuditEntryObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => Int) seq: number;
  @Field(() => ID, { nullable: true }) actorId: string | null;
  @Field() actorKind: string;
  @Field() action: string;
  @Field() targetType: string;
  @Field(() => String, { nullable: true }) targetId: string | null;
  @Field(() => JSONScalar, { nullable: true }) before: unknown;
  @Field(() => JSONScalar, { nullable: true }) after: unknown;
  @Field(() => String, { nullable: true }) requestId: string | null;
  @Field(() => Date) createdAt: Date;
  @Field() prevHash: string;
  @Field() hash: string;
}

export const AuditEntryConnection = ConnectionType(AuditEntryObject, 'AuditEntry');

@ObjectType('AuditChainStatus')
export class AuditChainStatusObject {
  @Field() ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => Int, { nullable: true }) firstBrokenSeq: number | null;
}
