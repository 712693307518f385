// Which events a rule's `logsource` applies to. The event claims a logsource through its
// normalized fields (docs/sigma.md has the full table):
//   product    = normalized.source_product          (zeek, suricata, fortigate, windows, ...)
//   service    = normalized.source_log              (Zeek log name from _path: conn, dns, modbus...;
//                                                    Suricata EVE event_type: alert, flow, dns...)
//   categories = normalized.category (string or list, an explicit claim by the sensor/parser)
//              + derived ones: ids, firewall, dns (below).
// A rule matches when every key it gives equals the event's (case-insensitive); a rule category
// must be one of the event's categories. Keys the rule omits match anything.

import type { SigmaLogsource } from './types';

export interface EventLogsource {
  product: string | null;
  service: string | null;
  categories: string[];
}

/** Products whose events count as `category: firewall` without further claims. */
export const FIREWALL_PRODUCTS = new Set([
  'fortigate', 'fortinet', 'paloalto', 'pan-os', 'checkpoint', 'check_point', 'cisco_asa', 'asa', 'pfsense', 'opnsense',
  'iptables', 'nftables', 'juniper_srx', 'sonicwall', 'sophos_xg', 'watchguard', 'firewall',
]);

/** event_class values that denote an IDS alert. */
export const IDS_EVENT_CLASSES = new Set(['alert', 'ids_alert', 'ids']);

function lowerText(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v.toLowerCase() : null;
}

export function eventLogsource(normalized: Record<string, unknown>): EventLogsource {
  const product = lowerText(normalized.source_product);
  const service = lowerText(normalized.source_log);
  const eventClass = lowerText(normalized.event_class);
  const categories: string[] = [];
  const add = (c: string): void => {
    if (!categories.includes(c)) categories.push(c);
  };
  const claimed = normalized.category;
  if (typeof claimed === 'string' && claimed) add(claimed.toLowerCase());
  else if (Array.isArray(claimed)) for (const c of claimed) if (typeof c === 'string' && c) add(c.toLowerCase());

  if (
    (eventClass !== null && IDS_EVENT_CLASSES.has(eventClass)) ||
    (product === 'suricata' && service === 'alert') ||
    (product === 'zeek' && service === 'notice')
  ) {
    add('ids');
  }
  if (eventClass === 'firewall' || service === 'cef' || (product !== null && FIREWALL_PRODUCTS.has(product))) add('firewall');
  if ((product === 'zeek' || product === 'suricata') && service === 'dns') add('dns');
  if (eventClass === 'dns') add('dns');
  return { product, service, categories };
}

export interface RuleLogsourceKey {
  product: string | null;
  service: string | null;
  category: string | null;
}

export function ruleLogsourceKey(ls: SigmaLogsource): RuleLogsourceKey {
  return { product: lowerText(ls.product), service: lowerText(ls.service), category: lowerText(ls.category) };
}

export function logsourceMatches(rule: RuleLogsourceKey, ev: EventLogsource): boolean {
  if (rule.product !== null && rule.product !== ev.product) return false;
  if (rule.service !== null && rule.service !== ev.service) return false;
  if (rule.category !== null && !ev.categories.includes(rule.category)) return false;
  return true;
}

/**
 * Same answer as `logsourceMatches(rule, eventLogsource(normalized))`, but checks product and
 * service first and derives the categories only when the rule names one (per-rule fast path).
 */
export function logsourceMatchesNormalized(rule: RuleLogsourceKey, normalized: Record<string, unknown>): boolean {
  if (rule.product !== null && lowerText(normalized.source_product) !== rule.product) return false;
  if (rule.service !== null && lowerText(normalized.source_log) !== rule.service) return false;
  if (rule.category !== null && !eventLogsource(normalized).categories.includes(rule.category)) return false;
  return true;
}
