/*
 * Regression: `alerting.annotations` (and labels) holding Prometheus templates, as Sloth specs commonly do
 * (`title: "{{ $labels.slo }} burns"`), made the generated promtool tests fail: they expected the raw template, and
 * promtool renders it. The tests now expect what Prometheus prints for `{{ $labels.x }}`, `{{ .Labels.x }}` and
 * `{{ $value | humanizePercentage }}`, judged by promtool itself, and the expected text below is written by hand. A
 * template they cannot predict (`{{ $value }}`) leaves the firing checks out, with a warning, so the tests still pass.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

function setup(alerting: Record<string, unknown>) {
  const { files, warnings } = generateFiles(parseSlaSpec({
    service: 'shop',
    objectives: [{ id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.99 }, alerting }],
  }));
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-user-templates-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const promtool = () => {
    const testFiles = [OUTPUT_PATHS.tests, OUTPUT_PATHS.windowTests].filter((p) => p in files);
    try {
      return execFileSync('promtool', ['test', 'rules', ...testFiles], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return `FAILED ${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
  };
  const tests = parse(files[OUTPUT_PATHS.tests]!) as { tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }> }> }> };
  const expAlerts = tests.tests.flatMap((t) => t.alert_rule_test).filter((t) => t.alertname === 'DlBudgetBurn').flatMap((t) => t.exp_alerts);
  return { promtool, expAlerts, warnings };
}

describe('regression: user annotation templates break generated tests', () => {
  it('expects Sloth-style templates as Prometheus renders them, and promtool agrees', () => {
    const { promtool, expAlerts, warnings } = setup({
      labels: { team: '{{ $labels.service }}-oncall' },
      annotations: { title: '{{ $labels.slo }} burns', detail: '{{.Labels.sli}} at {{ $value | humanizePercentage }} ({{ $labels.sloth_service }})' },
    });
    expect(warnings).toEqual([]);
    const page = expAlerts.find((a) => a.exp_labels.burn_factor === '13.44')!;
    expect(page.exp_labels.team).toBe('shop-oncall');
    expect(page.exp_annotations.title).toBe('dl burns');
    // A label the firing sample lacks prints empty; the value is the short window's error ratio, as the description shows it.
    expect(page.exp_annotations.detail).toMatch(/^success at \d+(\.\d+)?% \(\)$/);
    expect(page.exp_annotations.description).toContain(`is ${page.exp_annotations.detail!.split(' ')[2]} over 5m`);
    expect(promtool()).not.toContain('FAILED');
  }, 120_000);

  it('leaves the firing checks out, with a warning, when a template cannot be predicted', () => {
    const { promtool, expAlerts, warnings } = setup({ annotations: { raw: 'ratio {{ $value }}' } });
    expect(warnings.join('\n')).toContain('alerting.annotations.raw holds a template the generated promtool tests cannot predict');
    expect(expAlerts).toEqual([]);
    expect(promtool()).not.toContain('FAILED');
  }, 120_000);
});
