import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Role } from '@watchfloor/auth';

@ObjectType('Tenant')
export class TenantObject {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() slug: string;
  @Field() timezone: string;
  @Field(() => Date) createdAt: Date;
}

@InputType('CreateTenantInput')
export class CreateTenantInput {
  @Field() name: string;
  @Field({ description: 'Lowercase letters, digits and dashes.' }) slug: string;
  @Field({ defaultValue: 'UTC' }) timezone: string;
}

@InputType('CreateUserInput')
export class CreateUserInput {
  @Field() email: string;
  @Field({ description: 'At least 12 characters.' }) password: string;
  @Field(() => Role) role: Role;
  @Field(() => [ID], { nullable: true, description: 'Customers: exactly one; SOC staff: the tenants they cover.' }) tenantIds?: string[] | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
}
