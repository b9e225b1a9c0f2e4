/*
 * Regression: the runbook index (docs/runbooks/README.md) showed an objective's own `alerting.annotations.summary`
 * as the raw template (`{{ $labels.slo }} burns`), and a `|` inside it (`{{ $value | humanizePercentage }}`) split the
 * Markdown table row into an extra column. The index now renders what every alert of the objective prints the same
 * (the labels its firing sample always has: service, slo, sli, as Prometheus fills them in) and shows the rest, which
 * only the firing alert knows (its value, other labels, functions), as a template in a code span, pipes escaped.
 * Expected rows written by hand; for a summary of labels only, promtool confirms Prometheus prints the same text.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

function setup(summary: string) {
  const { files } = generateFiles(parseSlaSpec({
    service: 'shop',
    objectives: [{ id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.99 }, alerting: { annotations: { summary } } }],
  }));
  const row = files['docs/runbooks/README.md']!.split('\n').find((l) => l.startsWith('| [DlBudgetBurn]'))!;
  const promtool = () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-index-summary-'));
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
  return { row, files, promtool };
}

/** The cells of a GFM table row: split on pipes not escaped with a backslash. */
const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());

describe('regression: runbook index shows raw summary template', () => {
  it('renders the labels every alert of the objective carries, as Prometheus prints them', () => {
    const { row, files, promtool } = setup('{{ $labels.slo }} burns ({{ .Labels.service }}, {{ $labels.sli }})');
    expect(cells(row)).toEqual(['[DlBudgetBurn](dl-budget-burn.md)', 'page, ticket', 'dl burns (shop, success)']);
    // The generated promtool tests expect the same text in every firing alert, and promtool agrees.
    expect(files[OUTPUT_PATHS.tests]).toContain('summary: dl burns (shop, success)');
    expect(promtool()).not.toContain('FAILED');
  }, 120_000);

  it('keeps what only the firing alert knows as a template in a code span, without breaking the table', () => {
    const { row } = setup('{{ $labels.slo }} burns at {{ $value | humanizePercentage }} ({{ $labels.sloth_service }})');
    expect(cells(row)).toEqual([
      '[DlBudgetBurn](dl-budget-burn.md)',
      'page, ticket',
      'dl burns at `{{ $value \\| humanizePercentage }}` (`{{ $labels.sloth_service }}`)',
    ]);
  });
});
