// The detect job's logic: batch events → Sigma, OT detections and correlations → alerts → incidents.
export { createDetector } from './detect-batch';
export type { Detector, DetectorOptions, DetectBatchInput, DetectBatchResult, SensorSilenceResult, CorrelationSweepResult } from './detect-batch';
export { loadBatch, loadBatchEventRows, toBatchEvent, eventField } from './batch-events';
export type { BatchEvent, BatchRow } from './batch-events';
export { createOtModelCache, loadTenantBasics, otSettingsOf } from './tenant-context';
export type { OtModelCache, TenantOtModel, TenantBasics } from './tenant-context';
