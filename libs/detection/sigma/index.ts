// Sigma engine: parse Sigma YAML, compile rules once into matchers, index them for events.
export { parseSigmaFile } from './parse';
export { compileRule } from './compile';
export { buildRuleSet, type RuleSet } from './rule-set';
export { interpretRule } from './interpreter';
export { eventLogsource, logsourceMatches, ruleLogsourceKey, FIREWALL_PRODUCTS, IDS_EVENT_CLASSES, type EventLogsource } from './logsource';
export { parseCondition, type ConditionNode } from './condition';
export { checkSigmaFiles, groupReasons, refusedPercent, type CheckReport, type CheckTally, type SigmaFileText } from './check-report';
export type {
  SigmaEvent,
  SigmaLogsource,
  SigmaRule,
  CorrelationDocument,
  SigmaFilterDocument,
  SigmaParseError,
  ParsedSigmaFile,
  CompileOptions,
  CompiledRule,
  CompileResult,
} from './types';
