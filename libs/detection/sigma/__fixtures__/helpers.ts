// Shared helpers for the Sigma specs (not exported from the lib index).
import { compileRule } from '../compile';
import { interpretRule } from '../interpreter';
import { parseSigmaFile } from '../parse';
import type { CompileOptions, CompiledRule, SigmaEvent, SigmaRule } from '../types';

/** A rule from a detection block written as YAML (indented by 4 under `detection:`). */
export function ruleFromDetection(detectionYaml: string, logsource = 'logsource:\n    product: test\n'): SigmaRule {
  const body = detectionYaml
    .replace(/^\n/, '')
    .split('\n')
    .map((l) => (l.trim() === '' ? l : '    ' + l))
    .join('\n');
  const text = `title: test rule\nid: 00000000-0000-4000-8000-000000000001\n${logsource}detection:\n${body}\n`;
  const parsed = parseSigmaFile(text);
  if (parsed.rules.length !== 1) throw new Error(`test rule did not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.rules[0];
}

export function compileOrThrow(rule: SigmaRule, opts: CompileOptions = {}): CompiledRule {
  const r = compileRule(rule, opts);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.rule;
}

export function ev(raw: Record<string, unknown>, normalized: Record<string, unknown> = {}): SigmaEvent {
  return { raw, normalized };
}

/**
 * Evaluates detection with the compiled matcher and checks the naive interpreter agrees, so
 * every conformance case also tests the two implementations against each other.
 */
export function detects(rule: SigmaRule, event: SigmaEvent, opts: CompileOptions = {}): boolean {
  const compiled = compileOrThrow(rule, opts).matchesDetection(event);
  const interpreted = interpretRule(rule, event, opts, false);
  if (compiled !== interpreted) throw new Error(`compiled (${compiled}) and interpreted (${interpreted}) disagree`);
  return compiled;
}

export function refusal(rule: SigmaRule, opts: CompileOptions = {}): string {
  const r = compileRule(rule, opts);
  if (r.ok) throw new Error('expected the rule to be refused, it compiled');
  return r.reason;
}
