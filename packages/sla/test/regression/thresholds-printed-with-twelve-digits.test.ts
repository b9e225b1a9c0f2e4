/*
 * Regression: burn-rate thresholds were printed in prose with twelve significant digits: the alert description read
 * "above 0.933333333333% over 3d" and the runbook's table "0.933333333333%". People read four digits, as Prometheus'
 * own humanizePercentage prints the alert's value next to it. Prose now shows four significant digits; the PromQL keeps
 * the full threshold. Expected text worked out by hand: at 28d the ticket pair over 3d/6h spends 10% of the budget
 * per 3d, a burn factor of 0.1 x 28 / 3 = 0.93333…, times a 1% budget (target 99%) is 0.9333%; the page pair over
 * 1h/5m (2% per 1h: 0.02 x 672 = 13.44) is 13.44%. promtool judges the generated tests, which compare the rendered
 * descriptions exactly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

function setup() {
  const { files } = generateFiles(parseSlaSpec({
    service: 'shop',
    window: '28d',
    objectives: [{ id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.99 } }],
  }));
  const promtool = () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-threshold-digits-'));
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    try {
      return execFileSync('promtool', ['test', 'rules', OUTPUT_PATHS.tests], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return `FAILED ${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
  };
  return { rules: files[OUTPUT_PATHS.rules]!, runbook: files['docs/runbooks/dl-budget-burn.md']!, promtool };
}

describe('regression: thresholds printed with twelve digits', () => {
  it('prints thresholds in alert descriptions with four significant digits', () => {
    const { rules } = setup();
    expect(rules).toContain('above 0.9333% over 3d (budget 1%)');
    expect(rules).toContain('above 13.44% over 1h (budget 1%)');
    expect(rules).not.toMatch(/\d\.\d{5,}%/);
  });

  it('prints thresholds in the runbook table with four significant digits', () => {
    const { runbook } = setup();
    expect(runbook).toContain('| ticket | 3d / 6h | 0.9333x | 0.9333% | 10% |');
    expect(runbook).not.toMatch(/\d\.\d{5,}%/);
  });

  it('keeps the full threshold in the PromQL expressions', () => {
    const { rules } = setup();
    expect(rules).toContain('slo="dl",sli="success"} > 0.00933333333333');
  });

  it('passes its generated promtool tests, which compare the rendered descriptions exactly', () => {
    const { promtool } = setup();
    expect(promtool()).not.toContain('FAILED');
  }, 120_000);
});
