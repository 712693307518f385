import { type DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { incidentChangesChannel } from '@watchfloor/queue';
import { INCIDENT_CHANGES_CHANNEL_TOKEN, IncidentChangeHub } from './incident-changes';
import { ActivityResolver, AlertResolver, IncidentResolver } from './incident.resolver';
import { TriageResolver } from './triage.resolver';

@Module({})
export class TriageModule {
  static forRoot(options: { channel?: string } = {}): DynamicModule {
    return {
      module: TriageModule,
      // Triage changes go to the `sla` queue (needs BullModule.forRoot in the app).
      imports: [BullModule.registerQueue({ name: 'sla' })],
      providers: [
        { provide: INCIDENT_CHANGES_CHANNEL_TOKEN, useValue: options.channel ?? incidentChangesChannel('wf:') },
        IncidentChangeHub,
        IncidentResolver,
        AlertResolver,
        ActivityResolver,
        TriageResolver,
      ],
      exports: [IncidentChangeHub],
    };
  }
}
