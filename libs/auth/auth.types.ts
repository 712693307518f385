import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Caller } from './caller';
import { isCustomerRole, Role } from './roles';

registerEnumType(Role, { name: 'Role', description: 'What a user may do; SOC analysts and customers only on their tenants.' });

@ObjectType('User')
export class UserObject {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Hidden (null) from customers for MSP staff.' })
  email: string | null;

  @Field()
  displayName: string;

  @Field(() => Role, { nullable: true, description: 'Hidden (null) from customers for MSP staff.' })
  role: Role | null;

  @Field(() => [ID], { nullable: true, description: 'Tenants the user belongs to; hidden from customers for MSP staff.' })
  tenantIds: string[] | null;
}

@ObjectType('AuthPayload')
export class AuthPayloadObject {
  @Field()
  accessToken: string;

  @Field()
  refreshToken: string;

  @Field(() => Date)
  accessTokenExpiresAt: Date;

  @Field(() => UserObject)
  user: UserObject;
}

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  tenantIds: string[];
}

/** What a viewer may see of a user: customers see only the display name of MSP staff. */
export function presentUser(user: UserRecord, viewer: Caller | null): UserObject {
  const hide = viewer !== null && isCustomerRole(viewer.role) && user.id !== viewer.userId && !isCustomerRole(user.role);
  return {
    id: user.id,
    displayName: user.displayName,
    email: hide ? null : user.email,
    role: hide ? null : user.role,
    tenantIds: hide ? null : user.tenantIds,
  };
}
