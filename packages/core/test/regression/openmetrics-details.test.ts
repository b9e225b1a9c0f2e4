import { createPerfkit, type Perfkit } from '@perfkit/core';
import { negotiateFormat } from '../../src/export/negotiate';
import { wantsOpenMetrics } from '../../src/export/PrometheusEndpoint';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

describe('regression: OpenMetrics details', () => {
  it('names the target_info family "target" of type info', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    open.push(perf);
    const text = await perf.metrics({ openMetrics: true });
    expect(text).toContain('# HELP target Target metadata\n# TYPE target info\ntarget_info{');
  });

  it('escapes a double quote in OpenMetrics HELP text (not in text 0.0.4)', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    open.push(perf);
    perf.meter.createObservableGauge('quoted', { description: 'a "quoted" \\ help\nline' }).addCallback((r) => r.observe(1));
    expect(await perf.metrics({ openMetrics: true })).toContain('# HELP quoted a \\"quoted\\" \\\\ help\\nline\n');
    expect(await perf.metrics()).toContain('# HELP quoted a "quoted" \\\\ help\\nline\n');
  });

  it('negotiates with q-values and case-insensitive media types, not substrings', () => {
    // What the endpoint uses.
    expect(wantsOpenMetrics('application/openmetrics-text;q=0, text/plain')).toBe(false);
    expect(wantsOpenMetrics('Application/OpenMetrics-Text;version=1.0.0')).toBe(true);
    expect(negotiateFormat('application/openmetrics-text;q=0, text/plain').openMetrics).toBe(false);
    expect(negotiateFormat('APPLICATION/OpenMetrics-Text; version=1.0.0').openMetrics).toBe(true);
    expect(negotiateFormat('text/plain;q=0.9, application/openmetrics-text;q=0.5').openMetrics).toBe(false);
    expect(negotiateFormat('text/plain;q=0.4, application/openmetrics-text;version=0.0.1;q=0.5').contentType).toBe(
      'application/openmetrics-text; version=0.0.1; charset=utf-8',
    );
    // What Prometheus 2.42 sends.
    expect(negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1').contentType).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(negotiateFormat('text/plain;version=1.0.0;escaping=underscores').contentType).toBe('text/plain; version=1.0.0; charset=utf-8; escaping=underscores');
    expect(negotiateFormat('application/json').contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(negotiateFormat('application/openmetrics-text;version=9.9.9').openMetrics).toBe(false);
    for (const hostile of [undefined, 42, '', ';;;', ',,,', 'a'.repeat(10_000), 'application/openmetrics-text;q=NaN', 'application/openmetrics-text;q=2']) {
      expect(negotiateFormat(hostile).openMetrics).toBe(false);
    }
  });
});
