// parseSigmaFile: YAML text (one or many documents) → detection rules, correlation documents
// (passed on as parsed, for the correlation module) and global filters. Never throws: a
// document that cannot be used becomes an error entry with its position and the reason.

import { parseAllDocuments } from 'yaml';
import type { CorrelationDocument, ParsedSigmaFile, SigmaFilterDocument, SigmaLogsource, SigmaRule } from './types';

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function textList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => optText(x)).filter((x): x is string => x !== undefined);
}

function logsourceOf(v: unknown): SigmaLogsource | string {
  if (v === undefined || v === null) return 'missing logsource';
  if (!isMap(v)) return 'logsource must be a map';
  const ls: SigmaLogsource = {};
  for (const key of ['product', 'service', 'category', 'definition'] as const) {
    const val = v[key];
    if (val === undefined || val === null) continue;
    const t = optText(val);
    if (t === undefined) return `logsource.${key} must be a string`;
    ls[key] = t;
  }
  return ls;
}

export function parseSigmaFile(yamlText: string): ParsedSigmaFile {
  const out: ParsedSigmaFile = { rules: [], correlations: [], filters: [], errors: [] };
  let docs;
  try {
    docs = parseAllDocuments(yamlText, { uniqueKeys: true });
  } catch (err) {
    out.errors.push({ documentIndex: 0, reason: `YAML: ${(err as Error).message}` });
    return out;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, documentIndex) => {
    if (doc.errors.length > 0) {
      out.errors.push({ documentIndex, reason: `YAML: ${doc.errors[0].message.split('\n')[0]}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      out.errors.push({ documentIndex, reason: `YAML: ${(err as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // empty document (e.g. trailing '---')
    if (!isMap(value)) {
      out.errors.push({ documentIndex, reason: 'document is not a map' });
      return;
    }
    const d = value;
    if (typeof d.action === 'string') {
      out.errors.push({ documentIndex, reason: `legacy Sigma 1.0 rule collection ('action: ${d.action}') is not supported` });
      return;
    }
    if ('correlation' in d) {
      const c = d.correlation;
      if (!isMap(c)) {
        out.errors.push({ documentIndex, reason: 'correlation must be a map' });
        return;
      }
      const corr: CorrelationDocument = {
        id: optText(d.id),
        name: optText(d.name),
        title: optText(d.title),
        level: optText(d.level),
        type: optText(c.type),
        rules: textList(c.rules),
        groupBy: textList(c['group-by']),
        timespan: optText(c.timespan),
        condition: c.condition,
        generate: typeof c.generate === 'boolean' ? c.generate : undefined,
        aliases: isMap(c.aliases) ? c.aliases : undefined,
        documentIndex,
        document: d,
      };
      out.correlations.push(corr);
      return;
    }
    if ('filter' in d && !('detection' in d)) {
      const f = d.filter;
      const ls = logsourceOf(d.logsource);
      if (!isMap(f)) {
        out.errors.push({ documentIndex, reason: 'filter must be a map' });
        return;
      }
      if (typeof ls === 'string') {
        out.errors.push({ documentIndex, reason: `filter: ${ls}` });
        return;
      }
      const rules = textList(f.rules);
      if (rules.length === 0) {
        out.errors.push({ documentIndex, reason: 'filter: no rules to apply to (filter.rules)' });
        return;
      }
      const { rules: _rules, ...detection } = f;
      const filter: SigmaFilterDocument = { id: optText(d.id), title: optText(d.title), logsource: ls, rules, detection, documentIndex, document: d };
      out.filters.push(filter);
      return;
    }
    if (!('detection' in d)) {
      out.errors.push({ documentIndex, reason: 'document is neither a rule (detection), a correlation nor a filter' });
      return;
    }
    const title = optText(d.title);
    if (!title) {
      out.errors.push({ documentIndex, reason: 'rule has no title' });
      return;
    }
    const ls = logsourceOf(d.logsource);
    if (typeof ls === 'string') {
      out.errors.push({ documentIndex, reason: `rule '${title}': ${ls}` });
      return;
    }
    if (!isMap(d.detection)) {
      out.errors.push({ documentIndex, reason: `rule '${title}': detection must be a map` });
      return;
    }
    const rule: SigmaRule = {
      id: optText(d.id),
      name: optText(d.name),
      title,
      status: optText(d.status),
      description: optText(d.description),
      author: optText(d.author),
      date: optText(d.date),
      modified: optText(d.modified),
      level: optText(d.level),
      tags: textList(d.tags),
      references: textList(d.references),
      falsepositives: textList(d.falsepositives),
      fields: textList(d.fields),
      logsource: ls,
      detection: d.detection,
      documentIndex,
      document: d,
    };
    out.rules.push(rule);
  });
  return out;
}
