export * from './correlation.types';
export { compileCorrelation, checkCorrelationSet, conditionBounds, parseTimespan } from './correlation-compiler';
export { placeMatch, groupKeyOf, resolveFieldName, ruleIndexOf } from './correlation-grouping';
export type { MatchPlacement } from './correlation-grouping';
export { createCorrelationEngine, correlationDedupKey, alertAsMatch } from './correlation-engine';
export type { CorrelationEngine, CorrelationEngineOptions } from './correlation-engine';
