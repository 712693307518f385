import { type DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { DetectionRulesResolver } from './detection-rules.resolver';
import { DeliveryResolver, EscalationPolicyResolver, WebhookEndpointResolver } from './paging.resolver';
import { IncidentSlaResolver, SlaPolicyResolver } from './sla.resolver';
import { SOC_ADMIN_OPTIONS, type SocAdminOptions } from './soc-admin.options';

/**
 * The API side of detection rules, SLA policies (and Incident.sla), escalation policies, webhook
 * endpoints and deliveries. Needs BullModule.forRoot in the app (redeliver enqueues on `deliver`).
 */
@Module({})
export class SocAdminModule {
  static forRoot(options: SocAdminOptions): DynamicModule {
    return {
      module: SocAdminModule,
      imports: [BullModule.registerQueue({ name: 'deliver' })],
      providers: [
        { provide: SOC_ADMIN_OPTIONS, useValue: options },
        DetectionRulesResolver,
        SlaPolicyResolver,
        IncidentSlaResolver,
        WebhookEndpointResolver,
        EscalationPolicyResolver,
        DeliveryResolver,
      ],
    };
  }
}
