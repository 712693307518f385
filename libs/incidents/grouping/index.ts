// Pure incident grouping: which incident an alert joins, incident severity, customer-readable
// titles and summaries, and suppression matching. No database, no clock: time is passed in.
export * from './incident-types';
export { groupingKey, groupingEntityOf } from './grouping-key';
export { incidentSeverity, assetRaise } from './incident-severity';
export type { IncidentSeverityResult } from './incident-severity';
export { decideIncidentForAlert } from './incident-decision';
export type { IncidentDecision, IncidentDecisionInput, OpenIncidentView, ClosedIncidentView } from './incident-decision';
export {
  incidentTitle,
  incidentSummary,
  leadAlert,
  aggregateTechniques,
  aggregateAssets,
  countBySeverity,
  alertTimeRange,
  distinctSources,
} from './incident-text';
export type { IncidentTextInput, IncidentSummaryInput, AssetInvolvement } from './incident-text';
export { suppressionMatches } from './suppression';
export type { SuppressionView } from './suppression';
