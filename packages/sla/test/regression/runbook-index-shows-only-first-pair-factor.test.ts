/*
 * Regression: the runbook index's summary of a burn-rate alert was the first pair's summary, "dl is burning its error
 * budget 13.44x too fast", while the same alert name also fires at 5.6x, 2.8x and 0.9333x (and, for a low target, the
 * 13.44x pair is not even generated). The index now lists each pair the rules kept, by severity. Expected factors
 * worked out by hand at 28d (672h): budget share x 672h / long window, 0.02 x 672 / 1 = 13.44 over 1h/5m, 0.05 x 672 /
 * 6 = 5.6 over 6h/30m, 0.1 x 672 / 24 = 2.8 over 1d/2h, 0.1 x 672 / 72 = 0.9333 over 3d/6h; and compared with the
 * severity, windows and burn_factor labels of the generated alert rules, read from the rules file.
 */
import { parse } from 'yaml';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

function setup(target: number) {
  const { files } = generateFiles(parseSlaSpec({
    service: 'shop',
    window: '28d',
    objectives: [{ id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target } }],
  }));
  const row = files['docs/runbooks/README.md']!.split('\n').find((l) => l.startsWith('| [DlBudgetBurn]'))!;
  const rules = parse(files[OUTPUT_PATHS.rules]!) as { groups: Array<{ rules: Array<{ alert?: string; labels?: Record<string, string> }> }> };
  const pairs = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === 'DlBudgetBurn')
    .map((r) => `${r.labels!.severity} ${r.labels!.burn_factor}x over ${r.labels!.long_window}/${r.labels!.short_window}`);
  return { row, pairs };
}

describe('regression: runbook index shows only first pair factor', () => {
  it('lists every pair of the burn-rate alert by severity, as the generated rules fire them', () => {
    const { row, pairs } = setup(0.99);
    expect(pairs).toEqual(['page 13.44x over 1h/5m', 'page 5.6x over 6h/30m', 'ticket 2.8x over 1d/2h', 'ticket 0.9333x over 3d/6h']);
    expect(row).toBe('| [DlBudgetBurn](dl-budget-burn.md) | page, ticket | shop: dl is burning its error budget too fast: ' +
      'page at 13.44x over 1h/5m or 5.6x over 6h/30m, ticket at 2.8x over 1d/2h or 0.9333x over 3d/6h |');
  });

  it('leaves out a pair the rules dropped (target 90%: 13.44 x 10% = 134% can never be exceeded)', () => {
    const { row, pairs } = setup(0.9);
    expect(pairs).toEqual(['page 5.6x over 6h/30m', 'ticket 2.8x over 1d/2h', 'ticket 0.9333x over 3d/6h']);
    expect(row).toContain('shop: dl is burning its error budget too fast: page at 5.6x over 6h/30m, ticket at 2.8x over 1d/2h or 0.9333x over 3d/6h |');
    expect(row).not.toContain('13.44');
  });
});
