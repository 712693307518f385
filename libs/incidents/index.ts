// Incidents: pure grouping decisions (./grouping) and the writer that applies them in a detect batch.
export * from './grouping';
export { writeIncidentsForAlerts, incidentSettingsOf, DEFAULT_INCIDENT_SETTINGS } from './incident-writer';
export type { IncidentSettings, AlertForIncident, IncidentChange, IncidentChangeKind, WriteIncidentsInput } from './incident-writer';
