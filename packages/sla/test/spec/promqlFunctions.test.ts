import { parseSlaSpec } from '@perfkit/sla';
import { PROMQL_AGGREGATIONS, PROMQL_FUNCTIONS, promqlFunctionsDetail, unknownPromqlFunctions } from '../../src/spec/promqlFunctions';
import { readPromql } from '../../src/spec/promqlSyntax';
import { errorOf } from '../errorOf';

function setup(errorQuery: string) {
  return { service: 'api', objectives: [{ id: 'q', promql: { target: 0.99, errorQuery, totalQuery: 'sum(rate(r[{{.window}}]))' } }] };
}

const unknownIn = (query: string) => unknownPromqlFunctions(readPromql(query).calls);

describe('PROMQL_FUNCTIONS', () => {
  it('holds the 70 functions and 12 aggregations of Prometheus 2.42, each once (promtool 2.42 agrees: see the regression test)', () => {
    expect(new Set(PROMQL_FUNCTIONS).size).toBe(70);
    expect(new Set(PROMQL_AGGREGATIONS).size).toBe(12);
    expect(PROMQL_FUNCTIONS).toContain('holt_winters');
    expect(PROMQL_FUNCTIONS).not.toContain('histogram_avg');
  });
});

describe('unknownPromqlFunctions', () => {
  it('keeps the calls Prometheus 2.42 does not know, each name once', () => {
    // irat at column 45: two 19-character calls and two ' + ' before it (by hand).
    expect(unknownIn('rat(x[{{.window}}]) + rat(y[{{.window}}]) + irat(z[{{.window}}])').map((c) => [c.name, c.column])).toEqual([['rat', 1], ['irat', 45]]);
  });

  it('reads function names case-sensitively and aggregation operators in any case, as Prometheus does', () => {
    expect(unknownIn('SUM(Rate(x[{{.window}}])) + Sum(rate(y[{{.window}}]))').map((c) => c.name)).toEqual(['Rate']);
  });

  it('accepts functions and aggregation operators of a later Prometheus (a spec for Prometheus 3)', () => {
    expect(unknownIn('limit_ratio(0.5, rate(x[{{.window}}])) + histogram_avg(rate(h[{{.window}}]))')).toEqual([]);
  });
});

describe('promqlFunctionsDetail', () => {
  it('names the nearest known name, preferring the one that keeps the start of the name (rat: rate, not rad)', () => {
    expect(promqlFunctionsDetail(unknownIn('rat(x[{{.window}}])'))).toBe('unknown function "rat" at line 1, column 1, in `⟨here⟩rat(x[{{.window}…`; did you mean "rate"?');
    expect(promqlFunctionsDetail(unknownIn('summ(x[{{.window}}])'))).toContain('did you mean "sum"?');
    expect(promqlFunctionsDetail(unknownIn('count_over_tim(x[{{.window}}])'))).toContain('did you mean "count_over_time"?');
  });

  it('lists every function when no name is near', () => {
    const detail = promqlFunctionsDetail(unknownIn('zzzzzz(x[{{.window}}]) / info(y[{{.window}}])'));
    expect(detail).toContain('unknown function "zzzzzz" at line 1, column 1');
    expect(detail).toContain('; expected one of Prometheus 2.42\'s: abs, absent, absent_over_time, acos,');
    expect(detail).toMatch(/, vector, year$/);
    // One letter is near every short name (ln, pi): no guess.
    expect(promqlFunctionsDetail(unknownIn('f(x[{{.window}}])'))).toContain('unknown function "f" at line 1, column 1, in `⟨here⟩f(x[{{.window}}]…`; expected one of');
  });
});

describe('parseSlaSpec with unknown functions', () => {
  it('gives one problem for the query, with every unknown function and the syntax error after them', () => {
    const err = errorOf(() => parseSlaSpec(setup('rat(irat(x[{{.window}}])')));
    expect(err.problems).toHaveLength(1);
    const detail = err.problems[0]!.detail;
    expect(detail).toMatch(/^unknown function "rat" .*; did you mean "rate"\?; unknown function "irat" .*; did you mean "irate"\?; not valid PromQL: syntax error/);
    expect(detail.match(/Prometheus would refuse the generated rules/g)).toHaveLength(1);
  });

  it('drops hostile names into one problem without throwing anything else', () => {
    const hostile = [
      `${'a'.repeat(3000)}(x[{{.window}}])`,
      `${'f('.repeat(40)}x[{{.window}}]${')'.repeat(40)}`,
      'ü(x[{{.window}}])',
      'rat\u0000(x[{{.window}}])',
      '__proto__(x[{{.window}}])',
      'constructor(x[{{.window}}])',
    ];
    for (const q of hostile) {
      const err = errorOf(() => parseSlaSpec(setup(q)));
      expect({ q, fields: err.problems.map((p) => p.field) }).toEqual({ q, fields: ['objectives[q].promql.errorQuery'] });
    }
  });
});
