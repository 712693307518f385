// Which incident an alert belongs to: the same rule acting on the same thing.

import { IncidentAlertView } from './incident-types';

/**
 * The entity an alert is about, in this order:
 * 1. the detection's own `groupingEntity` (OT findings: the unknown host's address, `sensor:<id>`),
 * 2. the known asset it targets (`asset:<id>` of the destination),
 * 3. the known asset it comes from (`asset:<id>` of the source),
 * 4. the source address (`ip:<addr>`), then the destination address, else `none`.
 * Targets come first because an attack on one PLC from several hosts is one incident for the
 * customer, while one scanner touching many unknown hosts stays one incident per source.
 */
export function groupingEntityOf(alert: Pick<IncidentAlertView, 'groupingEntity' | 'dstAssetId' | 'srcAssetId' | 'srcIp' | 'dstIp'>): string {
  if (alert.groupingEntity) return alert.groupingEntity;
  if (alert.dstAssetId) return `asset:${alert.dstAssetId}`;
  if (alert.srcAssetId) return `asset:${alert.srcAssetId}`;
  if (alert.srcIp) return `ip:${alert.srcIp.trim().toLowerCase()}`;
  if (alert.dstIp) return `ip:${alert.dstIp.trim().toLowerCase()}`;
  return 'none';
}

/** `<ruleId>::<entity>`; unique within a tenant (incidents are tenant-owned). */
export function groupingKey(alert: Pick<IncidentAlertView, 'ruleId' | 'groupingEntity' | 'dstAssetId' | 'srcAssetId' | 'srcIp' | 'dstIp'>): string {
  return `${alert.ruleId}::${groupingEntityOf(alert)}`;
}
