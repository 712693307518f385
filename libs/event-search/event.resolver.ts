import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, withCallerRead } from '@watchfloor/auth';
import { notFound } from '@watchfloor/errors';
import { type Connection, decodeCursor, pageSize } from '@watchfloor/pagination';
import { TenantDb } from '@watchfloor/tenancy';
import { searchEvents } from './event-search';
import { EventConnection, EventFilter, type EventObject } from './event.types';

@Resolver()
export class EventResolver {
  constructor(private readonly db: TenantDb) {}

  @Query(() => EventConnection, { description: 'Events, newest first. totalCount stops at 10,000.' })
  events(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('filter', { type: () => EventFilter, nullable: true }) filter: EventFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<EventObject>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after, 2);
    for (const id of filter?.tenantIds ?? []) if (!callerSees(caller, id)) throw notFound('tenant', id);
    // An explicit tenant list (RLS would apply anyway) lets the tenant-first indexes serve the search.
    const tenantIds = filter?.tenantIds?.length ? filter.tenantIds : caller.allTenants ? null : [...caller.tenantIds];
    return withCallerRead(ctx, this.db, (tx) => searchEvents(tx, { ...filter, tenantIds }, limit, cursor));
  }
}
