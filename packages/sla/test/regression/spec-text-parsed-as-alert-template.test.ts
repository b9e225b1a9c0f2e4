/*
 * Regression: Prometheus expands alert labels and annotations as Go templates, and the generator pasted the spec's
 * own text (service, description, operation name) into them as is. A description with `{{` made the rules file
 * fail `promtool check rules` ("function "braces" not defined"), and `{{ .Labels }}` in a name printed Prometheus'
 * label map instead of the name. Checked by promtool itself: the rules load, and the generated tests, which expect
 * the text exactly as written in the spec (asserted below by hand), pass.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

function setup() {
  const { files } = generateFiles(parseSlaSpec({
    service: 'shop {{ .Labels }}',
    objectives: [
      { id: 'dl', description: 'downloads {{ braces', operation: { type: 'download', name: 'fetch {{x}}' }, success: { target: 0.99 } },
    ],
    resources: { cpu: { max: 0.9 } },
  }));
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-template-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  return { files, promtool };
}

describe('regression: spec text parsed as alert template', () => {
  it('writes rules promtool loads, whose alerts show the spec text as written', () => {
    const { files, promtool } = setup();
    expect(promtool('check', 'rules', OUTPUT_PATHS.rules)).toContain('SUCCESS');
    const tests = parse(files[OUTPUT_PATHS.tests]!) as { tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }> }> }> };
    const exp = tests.tests.flatMap((t) => t.alert_rule_test).flatMap((t) => t.exp_alerts.map((a) => ({ ...a, alertname: t.alertname })));
    const page = exp.find((a) => a.alertname === 'DlBudgetBurn' && a.exp_labels.burn_factor === '13.44')!;
    expect(page.exp_labels.service).toBe('shop {{ .Labels }}');
    expect(page.exp_annotations.summary).toBe('shop {{ .Labels }}: dl is burning its error budget 13.44x too fast');
    expect(page.exp_annotations.description).toMatch(/^downloads \{\{ braces\. The error ratio is /);
    const absent = exp.find((a) => a.alertname === 'DlMetricsAbsent')!;
    expect(absent.exp_annotations.description).toContain('for download fetch {{x}} for 10m');
    // promtool renders the templates and compares them with those expectations.
    const run = promtool('test', 'rules', ...[OUTPUT_PATHS.tests, OUTPUT_PATHS.windowTests, OUTPUT_PATHS.limitTests].filter((p) => p in files));
    expect(run).not.toContain('FAILED');
  }, 120_000);
});
