import { parseTemplates, renderTemplate, TemplateError } from './deploy-gotemplate';

/**
 * The template step of the Helm test (deploy-gotemplate.ts) against what Go's text/template and
 * Helm's Sprig functions produce for the same input. Each expectation is Go's documented
 * behaviour, so a divergence here is a bug in the renderer, not a change of taste.
 */
function render(src: string, data: unknown = {}, partials: Record<string, string> = {}): string {
  return renderTemplate(parseTemplates({ ...partials, 't.yaml': src }), 't.yaml', data);
}

describe('Go template subset', () => {
  it('trims whitespace on the marked side only', () => {
    expect(render('a  {{- "b" -}}  c')).toBe('abc');
    expect(render('a  {{ "b" -}}  c')).toBe('a  bc');
    expect(render('a\n  {{- "b" }}\n')).toBe('ab\n');
    expect(render('x\n{{- /* a comment */}}\ny')).toBe('x\ny');
  });

  it('walks field chains from dot and from $', () => {
    const data = { Values: { a: { b: 'deep' } }, Release: { Name: 'r' } };
    expect(render('{{ .Values.a.b }}/{{ $.Release.Name }}', data)).toBe('deep/r');
    expect(render('{{ .Values.missing }}', data)).toBe('');
  });

  it('fails on a field of nil, as Helm does', () => {
    expect(() => render('{{ .Values.missing.b }}', { Values: {} })).toThrow(/nil pointer evaluating interface \{\}\.b/);
  });

  it('branches with if / else if / else and Go truth', () => {
    const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
    expect(render(t, { a: 1 })).toBe('A');
    expect(render(t, { a: 0, b: 'x' })).toBe('B');
    expect(render(t, { a: '', b: [], c: {} })).toBe('C');
    expect(render('{{ if .m }}yes{{ else }}no{{ end }}', { m: {} })).toBe('no');
  });

  it('ranges over lists with index and over maps in key order, with else when empty', () => {
    expect(render('{{ range $i, $v := .l }}{{ $i }}={{ $v }} {{ end }}', { l: ['a', 'b'] })).toBe('0=a 1=b ');
    expect(render('{{ range $k, $v := .m }}{{ $k }}:{{ $v }},{{ end }}', { m: { z: 1, a: 2 } })).toBe('a:2,z:1,');
    expect(render('{{ range .l }}[{{ . }}]{{ else }}none{{ end }}', { l: [] })).toBe('none');
    expect(render('{{ range .l }}{{ .name }}@{{ $.root }} {{ end }}', { l: [{ name: 'x' }], root: 'R' })).toBe('x@R ');
  });

  it('moves dot with with, and keeps variables in their block', () => {
    expect(render('{{ with .a }}{{ .b }}{{ else }}none{{ end }}', { a: { b: 'in' } })).toBe('in');
    expect(render('{{ with .a }}{{ .b }}{{ else }}none{{ end }}', { a: null })).toBe('none');
    expect(render('{{ $x := "outer" }}{{ if true }}{{ $x = "set" }}{{ end }}{{ $x }}')).toBe('set');
    expect(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}')).toThrow(/undefined variable/);
  });

  it('passes a pipeline value as the last argument', () => {
    expect(render('{{ .v | default "d" | quote }}', { v: '' })).toBe('"d"');
    expect(render('{{ .v | default "d" }}', { v: 'set' })).toBe('set');
    expect(render('{{ printf "%s-%d" "a" 3 | upper }}')).toBe('A-3');
    expect(render('{{ (printf "%s-x" .n) | trunc 3 }}', { n: 'abcdef' })).toBe('abc');
    expect(render('{{ (dict "k" "v").k }}|{{ eq (print .n) .n }}', { n: 'a' })).toBe('v|true');
  });

  it('stops and/or at the deciding operand, so guarded field reads are safe', () => {
    expect(render('{{ if and .a .a.b }}y{{ else }}n{{ end }}', { a: null })).toBe('n');
    expect(render('{{ or .a "fallback" }}', { a: '' })).toBe('fallback');
    expect(render('{{ and 1 "last" }}')).toBe('last');
  });

  it('renders define/include with nindent and toYaml like Helm', () => {
    const partials = { '_h.tpl': '{{- define "labels" -}}\napp: {{ .name }}\ntier: web\n{{- end }}' };
    expect(render('metadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}\n', { name: 'x' }, partials)).toBe(
      'metadata:\n  labels:\n    app: x\n    tier: web\n',
    );
    expect(render('r:\n  {{- toYaml .r | nindent 2 }}', { r: { requests: { memory: '1Gi', cpu: '250m' } } })).toBe(
      'r:\n  requests:\n    cpu: 250m\n    memory: 1Gi',
    );
    expect(render('{{ toYaml .e }}', { e: {} })).toBe('{}');
    expect(render('{{ include "labels" . | indent 2 }}', { name: 'y' }, partials)).toBe('  app: y\n  tier: web');
  });

  it('implements the Sprig helpers the chart uses', () => {
    expect(render('{{ "a-b-" | trimSuffix "-" }}|{{ "abc" | trimPrefix "a" }}|{{ replace "_" "-" "a_b" }}')).toBe('a-b|bc|a-b');
    expect(render('{{ b64enc "secret" }}')).toBe('c2VjcmV0');
    expect(render('{{ eq .a "x" "y" }} {{ ne 1 2 }} {{ not "" }} {{ empty .m }}', { a: 'y', m: {} })).toBe('true true true true');
    expect(render('{{ hasKey .m "k" }} {{ len .l }} {{ int "42" }}', { m: { k: null }, l: [1, 2] })).toBe('true 2 42');
    expect(render('{{ $d := dict "a" 1 "b" (list 1 2) }}{{ toYaml $d }}')).toBe('a: 1\nb:\n  - 1\n  - 2');
    expect(render('{{ print "a" 1 2 "b" }}')).toBe('a1 2b');
  });

  it('refuses what it does not implement or cannot be right', () => {
    expect(() => render('{{ .v | required "v is required" }}', { v: '' })).toThrow('v is required');
    expect(() => render('{{ nosuch 1 }}')).toThrow(/function "nosuch" not defined/);
    expect(() => render('{{ if .a }}never closed')).toThrow(/missing \{\{end\}\}/);
    expect(() => render('{{ end }}')).toThrow(TemplateError);
    expect(() => render('{{ .a ')).toThrow(/unclosed action/);
    expect(() => render('{{ include "absent" . }}')).toThrow(/no template "absent"/);
    expect(() => render('{{ .m }}', { m: { a: 1 } })).toThrow(/use toYaml/);
  });
});
