import { groupingText, promqlGroupingProblems, queryGrouping } from '../../src/spec/promqlGrouping';

function setup(errorQuery: string, totalQuery: string) {
  return { objectives: [{ id: 'q', promql: { target: 0.99, errorQuery, totalQuery } }] } as unknown as Parameters<typeof promqlGroupingProblems>[0];
}

describe('queryGrouping', () => {
  it('reads the outer aggregation of a query with the {{.window}} placeholder, through parentheses', () => {
    expect(queryGrouping('sum by (b, a, b) (rate(x[{{.window}}]))')).toEqual({ op: 'sum', modifier: 'by', labels: ['a', 'b'] });
    expect(queryGrouping('((avg(rate(x{y="1"}[{{.window}}])) without (pod)))')).toEqual({ op: 'avg', modifier: 'without', labels: ['pod'] });
    expect(queryGrouping('SUM(rate(x[{{.window}}]))')).toEqual({ op: 'sum', modifier: 'by', labels: [] });
    expect(queryGrouping('sum by () (x)')).toEqual({ op: 'sum', modifier: 'by', labels: [] });
    expect(queryGrouping('count by ("service.name", route) (x)')).toEqual({ op: 'count', modifier: 'by', labels: ['route', 'service.name'] });
  });

  it('returns undefined when the labels are not the grouping or the text does not parse', () => {
    for (const q of [
      'rate(x[{{.window}}])',
      'sum by (a) (rate(x[{{.window}}])) / 60',
      'sum by (a) (x) or on() vector(0)',
      '-sum by (a) (x)',
      'topk(3, x)',
      'count_values("v", x)',
      'sum by (a (x)',
      '',
      `sum by (${'a'.repeat(100_000)}`,
    ]) {
      expect(queryGrouping(q)).toBeUndefined();
    }
  });

  it('prints a grouping as written', () => {
    expect(groupingText({ op: 'sum', modifier: 'by', labels: [] })).toBe('sum');
    expect(groupingText({ op: 'sum', modifier: 'by', labels: ['a', 'b'] })).toBe('sum by (a, b)');
    expect(groupingText({ op: 'max', modifier: 'without', labels: ['x'] })).toBe('max without (x)');
  });
});

describe('promqlGroupingProblems', () => {
  it('reports nothing for success and latency objectives, equal groupings, or an undecidable side', () => {
    expect(promqlGroupingProblems({ objectives: [{ id: 'dl' }] } as unknown as Parameters<typeof promqlGroupingProblems>[0])).toEqual([]);
    expect(promqlGroupingProblems(setup('sum by (a, b) (x)', 'max by (b, a) (y)'))).toEqual([]);
    expect(promqlGroupingProblems(setup('sum by (a) (x)', 'rate(y[{{.window}}])'))).toEqual([]);
  });

  it('reports a by against a without over the same labels, and by () against by (a)', () => {
    expect(promqlGroupingProblems(setup('sum by (a) (x)', 'sum without (a) (y)')).map((p) => p.value)).toEqual([{ errorQuery: 'sum by (a)', totalQuery: 'sum without (a)' }]);
    expect(promqlGroupingProblems(setup('sum by () (x)', 'sum by (a) (y)')).map((p) => p.value)).toEqual([{ errorQuery: 'sum', totalQuery: 'sum by (a)' }]);
    expect(promqlGroupingProblems(setup('sum without () (x)', 'sum (y)'))).toHaveLength(1);
  });
});
