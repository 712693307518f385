import { Tenant } from './tenant.entity';
import { User } from './user.entity';
import { RefreshToken } from './refresh-token.entity';
import { Membership } from './membership.entity';
import { Sensor } from './sensor.entity';
import { ApiKey } from './api-key.entity';
import { AuditLog } from './audit-log.entity';
import { Zone } from './zone.entity';
import { Conduit } from './conduit.entity';
import { Asset } from './asset.entity';
import { AssetVulnerability } from './asset-vulnerability.entity';
import { IngestBatch } from './ingest-batch.entity';
import { SecurityEvent } from './event.entity';
import { DetectionRule } from './detection-rule.entity';
import { DetectionRuleVersion } from './detection-rule-version.entity';
import { TenantRuleSetting } from './tenant-rule-setting.entity';
import { Suppression } from './suppression.entity';
import { MaintenanceWindow } from './maintenance-window.entity';
import { SlaPolicy } from './sla-policy.entity';
import { Incident } from './incident.entity';
import { Alert } from './alert.entity';
import { IncidentAlert } from './incident-alert.entity';
import { IncidentActivity } from './incident-activity.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { EscalationPolicy } from './escalation-policy.entity';
import { EscalationLevel } from './escalation-level.entity';
import { Delivery } from './delivery.entity';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { Report } from './report.entity';
import { ReportArtifact } from './report-artifact.entity';

export {
  Tenant,
  User,
  RefreshToken,
  Membership,
  Sensor,
  ApiKey,
  AuditLog,
  Zone,
  Conduit,
  Asset,
  AssetVulnerability,
  IngestBatch,
  SecurityEvent,
  DetectionRule,
  DetectionRuleVersion,
  TenantRuleSetting,
  Suppression,
  MaintenanceWindow,
  SlaPolicy,
  Incident,
  Alert,
  IncidentAlert,
  IncidentActivity,
  WebhookEndpoint,
  EscalationPolicy,
  EscalationLevel,
  Delivery,
  DeliveryAttempt,
  Report,
  ReportArtifact,
};

/** One entity per table of migrations/1764000000000-InitialSchema.ts (partitions of `events` excluded). */
export const ALL_ENTITIES = [
  Tenant,
  User,
  RefreshToken,
  Membership,
  Sensor,
  ApiKey,
  AuditLog,
  Zone,
  Conduit,
  Asset,
  AssetVulnerability,
  IngestBatch,
  SecurityEvent,
  DetectionRule,
  DetectionRuleVersion,
  TenantRuleSetting,
  Suppression,
  MaintenanceWindow,
  SlaPolicy,
  Incident,
  Alert,
  IncidentAlert,
  IncidentActivity,
  WebhookEndpoint,
  EscalationPolicy,
  EscalationLevel,
  Delivery,
  DeliveryAttempt,
  Report,
  ReportArtifact,
];
