import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { TenantWallInitPlan1764100000000 } from './1764100000000-TenantWallInitPlan';
import { IncidentTriageIndex1764100000001 } from './1764100000001-IncidentTriageIndex';
import { IncidentResponseTimes1764300000000 } from './1764300000000-IncidentResponseTimes';
import { SlaNextCheck1764400000000 } from './1764400000000-SlaNextCheck';
import { EventPartitionLock1764500000000 } from './1764500000000-EventPartitionLock';
import { WebhookSecretRotation1764600000000 } from './1764600000000-WebhookSecretRotation';
import { IngestStageTemp1764600000001 } from './1764600000001-IngestStageTemp';
import { IngestWriteFunction1764600000002 } from './1764600000002-IngestWriteFunction';
import { IngestWritePlainInsert1764700000000 } from './1764700000000-IngestWritePlainInsert';

/** Every migration in order; listed explicitly so the compiled build needs no glob. */
export const ALL_MIGRATIONS = [
  InitialSchema1764000000000,
  TenantWallInitPlan1764100000000,
  IncidentTriageIndex1764100000001,
  IncidentResponseTimes1764300000000,
  SlaNextCheck1764400000000,
  EventPartitionLock1764500000000,
  WebhookSecretRotation1764600000000,
  IngestStageTemp1764600000001,
  IngestWriteFunction1764600000002,
  IngestWritePlainInsert1764700000000,
];
