import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

/**
 * The generated promtool tests must catch wrong rules, not only smoke-test them. Each case takes the rules the
 * generator writes for Sloth's getting-started objective (99.9% over 30 days), breaks them the way issue 15 found
 * the old tests blind to, and runs the generated tests (unchanged) against them under the real promtool.
 */
const SPEC = parseSlaSpec({
  service: 'myservice',
  window: '30d',
  objectives: [{ id: 'requests-availability', operation: { type: 'request' }, success: { target: 0.999 } }],
});

interface RuleYaml { alert?: string; record?: string; expr: string; labels?: Record<string, string> }
type RulesYaml = { groups: Array<{ name: string; rules: RuleYaml[] }> };

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-sla-mutations-'));
  const { files } = generateFiles(SPEC);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const rulesPath = path.join(dir, OUTPUT_PATHS.rules);
  const original = fs.readFileSync(rulesPath, 'utf8');
  // The mutations all hit the fast page pair, whose scenarios live in the main objectives file.
  const tests = [path.join(dir, OUTPUT_PATHS.tests)];
  /** Runs the generated tests against the rules as `mutate` leaves them; returns promtool's exit status and report. */
  const run = (mutate?: (alerts: RuleYaml[]) => void) => {
    const doc = parse(original) as RulesYaml;
    mutate?.(doc.groups.flatMap((g) => g.rules.filter((r) => r.alert?.endsWith('BudgetBurn'))));
    fs.writeFileSync(rulesPath, stringify(doc, { lineWidth: 0 }));
    const r = spawnSync('promtool', ['test', 'rules', ...tests], { encoding: 'utf8' });
    return { status: r.status, report: `${r.stdout}${r.stderr}` };
  };
  return { dir, run };
}

const pair = (alerts: RuleYaml[], factor: string) => alerts.find((a) => a.labels?.burn_factor === factor)!;

describe('generated promtool tests against mutated rules (real promtool)', () => {
  const { dir, run } = setup();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pass on the rules as generated', () => {
    const r = run();
    expect([r.status, r.report]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  it('fail when the fast page reads a 3d long window instead of 1h', () => {
    const r = run((alerts) => {
      const fast = pair(alerts, '14.4');
      fast.expr = fast.expr.replace(/ratio_rate1h\{/g, 'ratio_rate3d{').replace(/rate1h\{/g, 'rate3d{');
    });
    expect(r.status).toBe(1);
    expect(r.report).toMatch(/a burn over 1h fires the 14\.4x page pair/);
  });

  it('fail when every threshold is lowered tenfold', () => {
    const r = run((alerts) => {
      for (const a of alerts) a.expr = a.expr.replace(/> (0\.\d+)/g, (_m, v: string) => `> ${Number(v) / 10}`);
    });
    expect(r.status).toBe(1);
    expect(r.report).toMatch(/just below the 1x ticket threshold/);
  });

  it('fail when the fast page is replaced by a 1x burn over 3d', () => {
    const r = run((alerts) => {
      const fast = pair(alerts, '14.4');
      fast.expr = pair(alerts, '1').expr;
    });
    expect(r.status).toBe(1);
    expect(r.report).toMatch(/just below the 14\.4x page threshold|a burn over 1h fires the 14\.4x page pair/);
  });

  it('fail when the short window is dropped from the fast page (it would not recover)', () => {
    const r = run((alerts) => {
      const fast = pair(alerts, '14.4');
      fast.expr = fast.expr.replace(/^.*ratio_rate5m\{[^}]*\} > [\d.]+\nand\n/, '');
    });
    expect(r.status).toBe(1);
    expect(r.report).toMatch(/5m of recovery stops it/);
  });
});
