export * from './correlation.types';
export { compileCorrelation, checkCorrelationSet, conditionBounds, conditionThresholds, parseTimespan, refsWithoutOwnAlerts } from './correlation-compiler';
export { placeMatch, groupKeyOf, numericText, resolveFieldName, ruleIndexOf, scalarText } from './correlation-grouping';
export type { MatchPlacement } from './correlation-grouping';
export { createCorrelationEngine, correlationDedupKey, alertAsMatch } from './correlation-engine';
export type { CorrelationEngine, CorrelationEngineOptions, CorrelationGroupUpdate } from './correlation-engine';
