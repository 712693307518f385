// Renders the chart the way `helm template` does for the parts this chart uses: chart defaults
// coalesced with the given values, values checked against values.schema.json, every template
// rendered with .Values/.Chart/.Release/.Template, then the output parsed as YAML documents.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { TemplateSet } from './go-template';
import { validateJsonSchema } from './json-schema';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface RenderedChart {
  values: Dict;
  /** Rendered text per template file (templates/x.yaml), empty files included. */
  files: Map<string, string>;
  objects: K8sObject[];
  notes: string;
}

export class ValuesSchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(`values don't meet values.schema.json:\n${problems.join('\n')}`);
    this.name = 'ValuesSchemaError';
  }
}

/** Helm's coalescing: user values override chart defaults key by key; null removes a key. */
export function coalesceValues(defaults: Dict, overrides: Dict): Dict {
  const out: Dict = structuredClone(defaults);
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else if (isDict(v) && isDict(out[k])) out[k] = coalesceValues(out[k] as Dict, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

export function loadChartFiles(chartDir: string): { chart: Dict; values: Dict; schema: Dict; templates: Map<string, string> } {
  const chart = YAML.parse(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Dict;
  const values = YAML.parse(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Dict;
  const schema = JSON.parse(fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8')) as Dict;
  const templates = new Map<string, string>();
  for (const file of fs.readdirSync(path.join(chartDir, 'templates')).sort()) {
    templates.set(file, fs.readFileSync(path.join(chartDir, 'templates', file), 'utf8'));
  }
  return { chart, values, schema, templates };
}

export function renderChart(
  chartDir: string,
  options: { values?: Dict; releaseName?: string; namespace?: string; skipSchema?: boolean } = {},
): RenderedChart {
  const { chart, values: defaults, schema, templates } = loadChartFiles(chartDir);
  const values = coalesceValues(defaults, options.values ?? {});
  if (!options.skipSchema) {
    const problems = validateJsonSchema(schema, values);
    if (problems.length) throw new ValuesSchemaError(problems);
  }
  const chartName = String(chart.name);
  const set = new TemplateSet();
  for (const [file, source] of templates) set.add(`${chartName}/templates/${file}`, source);
  const releaseName = options.releaseName ?? 'w';
  const root = (file: string) => ({
    Values: values,
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion, Description: chart.description },
    Release: { Name: releaseName, Namespace: options.namespace ?? 'soc', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1n },
    Template: { Name: `${chartName}/templates/${file}`, BasePath: `${chartName}/templates` },
    Capabilities: { KubeVersion: { Version: 'v1.30.0', Major: '1', Minor: '30' } },
  });
  const files = new Map<string, string>();
  let notes = '';
  for (const file of templates.keys()) {
    if (file.startsWith('_')) continue;
    const text = set.render(`${chartName}/templates/${file}`, root(file));
    if (file === 'NOTES.txt') notes = text;
    else files.set(file, text);
  }
  const objects: K8sObject[] = [];
  for (const [file, text] of files) {
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length) throw new Error(`${file}: rendered YAML is invalid: ${doc.errors[0].message}\n${text}`);
      const obj = doc.toJS() as K8sObject | null;
      if (obj === null) continue;
      objects.push(obj);
    }
  }
  return { values, files, objects, notes };
}
