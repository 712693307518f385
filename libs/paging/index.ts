export {
  generateWebhookSecret,
  parseWebhookSecret,
  signStandardWebhook,
  verifyStandardWebhook,
  webhookMessageId,
  WebhookSecretError,
  WEBHOOK_SECRET_MAX_BYTES,
  WEBHOOK_SECRET_MIN_BYTES,
  WEBHOOK_SECRET_PREFIX,
  type StandardWebhookHeaders,
  type WebhookVerification,
} from './standard-webhooks';
export {
  buildPagerDutyEvent,
  pagerDutySeverity,
  truncateText,
  validatePagerDutyEvent,
  PAGERDUTY_DEDUP_KEY_MAX,
  PAGERDUTY_ROUTING_KEY_LENGTH,
  PAGERDUTY_SUMMARY_MAX,
  type PagerDutyAction,
  type PagerDutyEvent,
  type PagerDutyIncident,
  type PagerDutySeverity,
  type Severity,
} from './pagerduty';
export { buildWebhookMessage, WEBHOOK_MESSAGE_TYPES, type WebhookMessage, type WebhookMessageResult, type WebhookMessageType } from './webhook-message';
export { classifyDeliveryOutcome, nextRetryDelayMs, parseRetryAfter, type DeliveryOutcome, type RetryDelayOptions } from './delivery-retry';
export {
  circuitAllows,
  circuitOnResult,
  circuitStatus,
  CLOSED_CIRCUIT,
  type CircuitOptions,
  type CircuitState,
  type CircuitStatus,
} from './circuit-breaker';
export { checkWebhookUrl, classifyAddress, type AddressCategory, type WebhookUrlCheck, type WebhookUrlCheckOptions } from './webhook-url-guard';
export {
  parseEscalationKey,
  planEscalation,
  validateEscalationPolicy,
  DEFAULT_LAST_LEVEL_WAIT_SECONDS,
  SEVERITY_ORDER,
  type EscalationIncident,
  type EscalationLevel,
  type EscalationPlan,
  type EscalationPolicy,
  type Page,
  type PageAction,
  type PageKind,
} from './escalation';
export { buildPageRequest, type PageRequest, type PageRequestResult, type PagingEndpoint } from './page-request';
export { PagingError, type PagingErrorCode } from './paging-errors';
export {
  createWebhookEndpoint,
  listWebhookEndpoints,
  resolveHostAddresses,
  rotateWebhookSecret,
  storedCircuit,
  SECRET_ROTATION_DEFAULT_OVERLAP_SECONDS,
  SECRET_ROTATION_MAX_OVERLAP_SECONDS,
  type SecretRotationInput,
  type CreatedWebhookEndpoint,
  type UrlVettingOptions,
  type WebhookEndpointInput,
  type WebhookEndpointRecord,
  type WebhookKind,
} from './webhook-endpoints';
export { postWebhook, utf8Excerpt, RESPONSE_EXCERPT_BYTES, type WebhookPost, type WebhookPostResult } from './webhook-transport';
export {
  escalationPolicyOf,
  listEscalationPolicies,
  planIncidentPaging,
  upsertEscalationPolicy,
  ESCALATION_MAX_REPEAT,
  type DeliveryPayload,
  type EscalationLevelInput,
  type EscalationPolicyInput,
  type EscalationPolicyRecord,
  type IncidentPagingInput,
  type IncidentPagingResult,
  type PagingIncident,
  type SlaAlert,
} from './escalation-service';
export {
  attemptDelivery,
  buildDeliveryRequest,
  findStalledDeliveries,
  getDelivery,
  listDeliveries,
  redeliver,
  DEFAULT_CIRCUIT,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_MAX_MS,
  DELIVERIES_MAX_PAGE,
  type DeliveryAttemptView,
  type DeliveryConnection,
  type DeliveryOptions,
  type DeliveryRun,
  type DeliveryStatus,
  type DeliveryView,
} from './delivery-service';
export { deliverJobId, enqueueDelivery, enqueueRedelivery, DELIVER_JOB, type DeliverJobData } from './paging-jobs';
export { countWebhookEndpointsByState, registerWebhookEndpointMetrics, ENDPOINT_STATES, type EndpointState } from './endpoint-health';
