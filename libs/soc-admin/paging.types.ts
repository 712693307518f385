import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@watchfloor/pagination';
import { Severity } from '@watchfloor/triage';

export enum WebhookKind { PAGERDUTY = 'PAGERDUTY', STANDARD = 'STANDARD' }
export enum DeliveryStatus { PENDING = 'PENDING', DELIVERING = 'DELIVERING', DELIVERED = 'DELIVERED', FAILED = 'FAILED', DEAD = 'DEAD' }
registerEnumType(WebhookKind, { name: 'WebhookKind', description: 'PAGERDUTY: Events API v2; STANDARD: Standard Webhooks (HMAC-signed).' })
registerEnumType(DeliveryStatus, { name: 'DeliveryStatus' });

@ObjectType('WebhookEndpoint', { description: 'Where pages and SLA notices go. Secrets are never readable after creation.' })
export class WebhookEndpointObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => WebhookKind) kind: WebhookKind;
  @Field() url: string;
  @Field() enabled: boolean;
  @Field(() => String, { nullable: true }) disabledReason: string | null;
  @Field(() => Date, { nullable: true, description: 'After rotateWebhookSecret: deliveries are also signed with the previous secret until then; null otherwise.' })
  previousSecretExpiresAt: Date | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => String, {
    nullable: true,
    description: 'The STANDARD signing secret (whsec_…): only in the createWebhookEndpoint and rotateWebhookSecret responses, and only when the server generated it. Always null on reads.',
  })
  secret: string | null;
}

@InputType('WebhookEndpointInput')
export class WebhookEndpointInput {
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => WebhookKind) kind: WebhookKind;
  @Field({ description: 'https URL with a public address (private ones only with WEBHOOK_ALLOW_PRIVATE).' }) url: string;
  @Field(() => String, { nullable: true, description: 'STANDARD: whsec_<base64>; generated (and returned once) when absent.' }) secret?: string | null;
  @Field(() => String, { nullable: true, description: 'PAGERDUTY: the 32-character integration key.' }) routingKey?: string | null;
}

@ObjectType('EscalationLevel')
export class EscalationLevelObject {
  @Field(() => Int, { description: 'Seconds after the incident opens (unless acknowledged).' }) delaySeconds: number;
  @Field(() => [ID]) webhookEndpointIds: string[];
}

@ObjectType('EscalationPolicy')
export class EscalationPolicyObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => Severity, { description: 'Incidents below this severity are not paged.' }) minSeverity: Severity;
  @Field(() => Int, { description: 'How many times the levels repeat after the last one.' }) repeat: number;
  @Field(() => Int, { nullable: true }) ackTimeoutSeconds: number | null;
  @Field(() => [EscalationLevelObject]) levels: EscalationLevelObject[];
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
}

@InputType('EscalationLevelInput')
export class EscalationLevelInput {
  @Field(() => Int) delaySeconds: number;
  @Field(() => [ID]) webhookEndpointIds: string[];
}

@InputType('EscalationPolicyInput')
export class EscalationPolicyInput {
  @Field(() => ID, { nullable: true, description: 'Replace this policy (levels as a whole); absent: create one.' }) id?: string | null;
  @Field(() => ID) tenantId: string;
  @Field() name: string;
  @Field(() => Severity, { defaultValue: Severity.LOW }) minSeverity: Severity;
  @Field(() => Int, { defaultValue: 0 }) repeat: number;
  @Field(() => Int, { nullable: true }) ackTimeoutSeconds?: number | null;
  @Field(() => [EscalationLevelInput]) levels: EscalationLevelInput[];
}

@ObjectType('DeliveryAttempt')
export class DeliveryAttemptObject {
  @Field(() => Int) attempt: number;
  @Field(() => Int, { nullable: true }) statusCode: number | null;
  @Field(() => Int, { nullable: true }) latencyMs: number | null;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => Date) createdAt: Date;
}

@ObjectType('Delivery', { description: 'One webhook message to one endpoint, with its attempts.' })
export class DeliveryObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => ID, { nullable: true }) incidentId: string | null;
  @Field({ description: 'incident.triggered, incident.escalated, sla.breached, …' }) eventType: string;
  @Field(() => DeliveryStatus) status: DeliveryStatus;
  @Field(() => Int) attemptCount: number;
  @Field(() => Int, { nullable: true }) lastStatusCode: number | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) deliveredAt: Date | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt: Date | null;
  @Field({ description: 'The webhook-id, the same across retries.' }) messageId: string;
  @Field(() => [DeliveryAttemptObject]) attempts: DeliveryAttemptObject[];
  endpointId: string;
}

export const DeliveryConnection = ConnectionType(DeliveryObject, 'Delivery');
