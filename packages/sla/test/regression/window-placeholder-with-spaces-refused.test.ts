/*
 * Regression: the rules' generator replaces `{{ .window }}` (spaces inside the braces, as Go templates and so Sloth
 * specs allow) like `{{.window}}`, but the schema looked for the exact text `{{.window}}`: a Sloth spec written
 * `rate(x[{{ .window }}])` was refused by `perfkit-sla import` with "expected a PromQL query with a {{.window}}
 * placeholder", which it has, and a query holding both forms was refused as a syntax error at the spaced one. The
 * schema now reads the placeholders the generator replaces, and positions in a query count them as written. The
 * generated rules are the independent reading (each window's own range); columns are counted by hand.
 */
import { generateRules, importSpec, parseSlaSpec } from '@perfkit/sla';
import { readPromql } from '../../src/spec/promqlSyntax';

const SLOTH = [
  'version: prometheus/v1',
  'service: checkout',
  'slos:',
  '  - name: requests-availability',
  '    objective: 99.9',
  '    sli:',
  '      events:',
  '        error_query: sum(rate(http_requests_total{code=~"5.."}[{{ .window }}]))',
  '        total_query: sum(rate(http_requests_total[{{.window}}]))',
  '    alerting:',
  '      name: CheckoutAvailability',
  '',
].join('\n');

describe('regression: window placeholder with spaces refused', () => {
  it('imports and accepts a Sloth spec writing {{ .window }}, each window reading its own range', () => {
    const spec = parseSlaSpec(importSpec('sloth', SLOTH, 'sloth.yml').spec);
    const rules = generateRules(spec).groups.flatMap((g) => g.rules);
    const ratio1h = rules.find((r) => 'record' in r && r.record === 'perfkit:slo_errors:ratio_rate1h');
    expect(ratio1h?.expr).toContain('sum(rate(http_requests_total{code=~"5.."}[1h]))');
    expect(rules.find((r) => 'record' in r && r.record === 'perfkit:slo_errors:ratio_rate3d')?.expr).toContain('[3d]');
  });

  it('counts columns past a spaced placeholder as written', () => {
    // `rate(x[{{ .window }}]) + rate(y[{{.window}}]) + rat(z)`: 48 characters before
    // rat (7 + 13 + 2 + 3 + 7 + 11 + 2 + 3), the second rate after 25.
    const { syntaxError, calls } = readPromql('rate(x[{{ .window }}]) + rate(y[{{.window}}]) + rat(z)');
    expect(syntaxError).toBeUndefined();
    expect(calls.map((c) => [c.name, c.column])).toEqual([['rate', 1], ['rate', 26], ['rat', 49]]);
  });
});
