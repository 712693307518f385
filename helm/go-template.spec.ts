// The renderer the chart test relies on must follow Go text/template where it matters, or the
// chart test would prove nothing about what Helm renders.
import { formatFloat, TemplateError, TemplateFailure, TemplateSet } from './go-template';

function run(source: string, data: unknown = {}, extra: Record<string, string> = {}): string {
  const set = new TemplateSet();
  for (const [name, text] of Object.entries(extra)) set.add(name, text);
  set.add('main', source);
  return set.render('main', data);
}

describe('Go template subset', () => {
  it('trims whitespace on the marked side only', () => {
    expect(run('a  {{- "b" }}  c')).toBe('ab  c');
    expect(run('a  {{ "b" -}}  \n c')).toBe('a  bc');
    expect(run('x:\n  {{- if true }}\n  y: 1\n  {{- end }}\nz')).toBe('x:\n  y: 1\nz');
  });

  it('drops comments, trimming as marked', () => {
    expect(run('a\n{{- /* note {{ not an action }} */ -}}\nb')).toBe('ab');
    expect(run('a{{/* c */}}b')).toBe('ab');
  });

  it('evaluates if / else if / else, range with else, and with', () => {
    const t = '{{ if eq .n 1 }}one{{ else if eq .n 2 }}two{{ else }}many{{ end }}';
    expect([1n, 2n, 3n].map((n) => run(t, { n }))).toEqual(['one', 'two', 'many']);
    expect(run('{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ else }}none{{ end }}', { l: ['a', 'b'] })).toBe('0=a;1=b;');
    expect(run('{{ range .l }}{{ . }}{{ else }}none{{ end }}', { l: [] })).toBe('none');
    expect(run('{{ range $k, $v := .m }}{{ $k }}{{ $v }}{{ end }}', { m: { b: 2, a: 1 } })).toBe('a1b2');
    expect(run('{{ with .x }}[{{ . }}]{{ else }}-{{ end }}', { x: '' })).toBe('-');
  });

  it('scopes variables to their block, and $ to the data of the template', () => {
    expect(run('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}')).toBe('2');
    expect(() => run('{{ if true }}{{ $y := 3 }}{{ end }}{{ $y }}')).toThrow(/undefined variable \$y/);
    expect(run('{{ range .l }}{{ $.name }}{{ end }}', { l: [1, 2], name: 'n' })).toBe('nn');
    expect(run('{{ include "t" (dict "a" 1) }}', {}, { lib: '{{ define "t" }}{{ $.a }}{{ end }}' })).toBe('1');
  });

  it('prints floats as Go does (values are float64 in Helm), ints plainly', () => {
    expect(run('{{ .n }} {{ .big }} {{ .big | quote }} {{ len .l }}', { n: 3000, big: 1209600, l: [1] })).toBe('3000 1.2096e+06 "1.2096e+06" 1');
    expect(formatFloat(123456)).toBe('123456');
    expect(formatFloat(1e6)).toBe('1e+06');
    expect(formatFloat(0.5)).toBe('0.5');
  });

  it('refuses to compare an int with a float, as Go does', () => {
    expect(() => run('{{ gt .n 1 }}', { n: 2 })).toThrow(/incompatible types/);
    expect(run('{{ gt (int .n) 1 }}', { n: 2 })).toBe('true');
  });

  it('fails reading a field of nothing, and names the place', () => {
    expect(() => run('\n{{ .Values.missing.deeper }}', { Values: {} })).toThrow(/main:2: nil pointer evaluating \.deeper/);
    expect(run('[{{ .Values.missing }}]', { Values: {} })).toBe('[]');
  });

  it('reports unbalanced blocks and functions outside the subset', () => {
    expect(() => run('{{ if true }}x')).toThrow(/"if" is never closed/);
    expect(() => run('{{ end }}')).toThrow(/end without a matching/);
    expect(() => run('{{ tpl "x" . }}')).toThrow(/function "tpl" is outside the supported subset/);
    expect(() => run('{{ .x }', {})).toThrow(TemplateError);
  });

  it('fail and required raise the chart\'s own message', () => {
    expect(() => run('{{ fail "no secret" }}')).toThrow(new TemplateFailure('no secret'));
    expect(() => run('{{ required "x is required" .x }}', { x: '' })).toThrow(/x is required/);
  });

  it('merges like Sprig mergeOverwrite: nested keys, and empty values do not overwrite', () => {
    const out = run('{{ toYaml (mergeOverwrite (dict "a" (dict "b" 1 "c" 2) "enabled" true) (dict "a" (dict "b" 5) "enabled" false)) }}');
    expect(out).toBe('a:\n  b: 5\n  c: 2\nenabled: true');
  });

  it('renders toYaml with sorted keys and unindented lists, like sigs.k8s.io/yaml', () => {
    expect(run('{{ toYaml .x | nindent 2 }}', { x: { z: [1, 2], a: 'b' } })).toBe('\n  a: b\n  z:\n  - 1\n  - 2');
  });

  it('implements the Sprig string helpers the chart uses', () => {
    expect(run('{{ "release-watchfloor-" | trunc 63 | trimSuffix "-" }}')).toBe('release-watchfloor');
    expect(run('{{ printf "%s-%d-%q" "a" 3 "b" }}')).toBe('a-3-"b"');
    expect(run('{{ join "," (list "a" "b") }} {{ has "b" (splitList "," "a,b") }} {{ contains "wat" "watchfloor" }}')).toBe('a,b true true');
    expect(run('{{ "x" | b64enc }} {{ "" | sha256sum | trunc 8 }}')).toBe('eA== e3b0c442');
    expect(run('{{ default "d" .v }} {{ default "d" "set" }}', { v: '' })).toBe('d set');
    expect(run('{{ and 1 0 }} {{ or 0 "" "x" }} {{ not "" }}')).toBe('0 x true');
  });
});
