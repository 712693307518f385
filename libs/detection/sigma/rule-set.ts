// buildRuleSet: an index over compiled rules so an event is tested only against rules that can
// match it. Two cuts, both exact (tested for equivalence with evaluating every rule):
//   1. logsource buckets keyed by the rule's (product, service, category), '*' where the rule
//      leaves a key out; an event looks up the 2 × 2 × (its categories + 1) keys it can satisfy.
//      The resulting candidate list is memoised per distinct event logsource.
//   2. required fields: a rule whose `requiredAnyOf` fields are all absent cannot match.

import { compileFieldGetter, type FieldGetter } from './field-lookup';
import { eventLogsource, ruleLogsourceKey } from './logsource';
import { eventLowerer, type LoweringEvent } from './matchers';
import type { CompiledRule, SigmaEvent } from './types';

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  /** Rules that match the event, in the order they were given. */
  match(event: SigmaEvent): CompiledRule[];
  /** Rules whose logsource the event satisfies (before the required-field and detection tests). */
  candidates(event: SigmaEvent): readonly CompiledRule[];
}

interface Entry {
  rule: CompiledRule;
  order: number;
  required: FieldGetter[] | null;
}

const ANY = '*';

export function buildRuleSet(rules: readonly CompiledRule[]): RuleSet {
  const buckets = new Map<string, Entry[]>();
  const getters = new Map<string, FieldGetter>();
  const getterFor = (f: string): FieldGetter => {
    let g = getters.get(f);
    if (!g) {
      g = compileFieldGetter(f);
      getters.set(f, g);
    }
    return g;
  };
  rules.forEach((rule, order) => {
    const k = ruleLogsourceKey(rule.logsource);
    const key = `${k.product ?? ANY}\u0000${k.service ?? ANY}\u0000${k.category ?? ANY}`;
    const entry: Entry = { rule, order, required: rule.requiredAnyOf && rule.requiredAnyOf.length > 0 ? rule.requiredAnyOf.map(getterFor) : null };
    const list = buckets.get(key);
    if (list) list.push(entry);
    else buckets.set(key, [entry]);
  });

  const memo = new Map<string, Entry[]>();
  function candidateEntries(event: SigmaEvent): Entry[] {
    const ls = eventLogsource(event.normalized);
    const memoKey = `${ls.product ?? ''}\u0000${ls.service ?? ''}\u0000${ls.categories.join('\u0001')}`;
    const hit = memo.get(memoKey);
    if (hit) return hit;
    const products = ls.product === null ? [ANY] : [ls.product, ANY];
    const services = ls.service === null ? [ANY] : [ls.service, ANY];
    const categories = [...ls.categories, ANY];
    const found: Entry[] = [];
    for (const p of products) for (const s of services) for (const c of categories) {
      const list = buckets.get(`${p}\u0000${s}\u0000${c}`);
      if (list) for (const e of list) found.push(e);
    }
    found.sort((a, b) => a.order - b.order);
    if (memo.size < 10000) memo.set(memoKey, found);
    return found;
  }

  // a malformed event (missing maps) is treated as empty rather than throwing out of the worker
  const safe = (event: SigmaEvent): SigmaEvent =>
    event !== null && typeof event === 'object' && event.raw !== null && typeof event.raw === 'object' && event.normalized !== null && typeof event.normalized === 'object'
      ? event
      : { raw: (event?.raw as Record<string, unknown> | undefined) ?? {}, normalized: (event?.normalized as Record<string, unknown> | undefined) ?? {} };

  return {
    rules,
    candidates: (event) => candidateEntries(safe(event)).map((e) => e.rule),
    match(input) {
      const safeEvent = safe(input);
      const out: CompiledRule[] = [];
      const entries = candidateEntries(safeEvent);
      if (entries.length === 0) return out;
      // a fresh view per event: the caller's maps plus a lowering memo shared by its rules
      const event: LoweringEvent = { raw: safeEvent.raw, normalized: safeEvent.normalized, lower: eventLowerer() };
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        const req = entry.required;
        if (req !== null) {
          let present = false;
          for (let j = 0; j < req.length; j++) {
            if (req[j](event) !== undefined) {
              present = true;
              break;
            }
          }
          if (!present) continue;
        }
        if (entry.rule.matchesDetection(event)) out.push(entry.rule);
      }
      return out;
    },
  };
}
