// GraphQL for the detection rule store, SLA policies and clocks, and paging (escalation
// policies, webhook endpoints, deliveries). The services live in libs/detection/rules,
// libs/sla and libs/paging; this lib adds roles, tenant checks, audit entries and presentation.
export * from './service-errors';
export * from './soc-admin.options';
export * from './detection-rules.types';
export * from './detection-rules.resolver';
export * from './sla.types';
export * from './sla.resolver';
export * from './paging.types';
export * from './paging.resolver';
export * from './soc-admin.module';
