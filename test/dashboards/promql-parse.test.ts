import { loadDashboards, panelQueries, promqlErrors, ruleExpressions, substitute, variableQueries } from './dashboardQueries';

describe('PromQL in the dashboards and rules', () => {
  function setup() {
    const dashboards = loadDashboards();
    return { dashboards, queries: panelQueries(dashboards), variables: variableQueries(dashboards), rules: ruleExpressions() };
  }

  it('finds the four dashboards and their queries', () => {
    const { dashboards, queries } = setup();
    expect(Object.keys(dashboards)).toEqual(['perfkit-host.json', 'perfkit-operations.json', 'perfkit-overview.json', 'perfkit-slo.json']);
    expect(queries.length).toBeGreaterThan(60);
  });

  it('parses every panel query, with its variables substituted, with the Prometheus parser', () => {
    const failures = setup().queries.flatMap((q) => promqlErrors(substitute(q.expr)).map((e) => `${q.dashboard} / ${q.panel}: ${e}`));
    expect(failures).toEqual([]);
  });

  it('parses the selector of every variable query', () => {
    const failures = setup().variables.flatMap((v) => promqlErrors(substitute(v.selector)).map((e) => `${v.dashboard} $${v.name}: ${e}`));
    expect(failures).toEqual([]);
  });

  it('parses every rule expression in prometheus/rules', () => {
    const { rules } = setup();
    const failures = rules.flatMap((r) => promqlErrors(r.expr).map((e) => `${r.file} ${r.name}: ${e}`));
    expect(failures).toEqual([]);
  });

  it.each([
    ['an unclosed call', 'sum('],
    ['a missing parenthesis', 'rate(x[5m]'],
    ['an unclosed selector', 'x{job=~"a"'],
    ['a grouping without parentheses', 'histogram_quantile(0.9, sum by le (x))'],
    ['a hostile huge input', 'x' + '{'.repeat(100_000)],
    ['a selector with a bad matcher', 'x{job=="a"}'],
  ])('reports %s as not parsing', (_what, expr) => {
    expect(promqlErrors(expr).length).toBeGreaterThan(0);
  });

  it('refuses to substitute a variable the test does not know', () => {
    expect(() => substitute('up{job=~"$nope"}')).toThrow(/\$nope/);
  });
});
