import { type DynamicModule, Module } from '@nestjs/common';
import { INCIDENT_CHANGES_CHANNEL, INCIDENT_CHANGES_CHANNEL_TOKEN, IncidentChangeHub } from './incident-changes';
import { ActivityResolver, AlertResolver, IncidentResolver } from './incident.resolver';
import { TriageResolver } from './triage.resolver';

@Module({})
export class TriageModule {
  static forRoot(options: { channel?: string } = {}): DynamicModule {
    return {
      module: TriageModule,
      providers: [
        { provide: INCIDENT_CHANGES_CHANNEL_TOKEN, useValue: options.channel ?? INCIDENT_CHANGES_CHANNEL },
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
