import { parseSlaSpec } from '@perfkit/sla';
import { promqlSyntaxError } from '../../src/spec/promqlSyntax';
import { errorOf } from '../errorOf';

function setup(errorQuery: unknown) {
  return { service: 'api', objectives: [{ id: 'q', promql: { target: 0.99, errorQuery, totalQuery: 'sum(rate(r[{{.window}}]))' } }] };
}

describe('promqlSyntaxError', () => {
  it('returns undefined for queries that parse, including a parenthesis inside a label value', () => {
    expect(promqlSyntaxError('sum(rate(x{a="foo(b"}[{{.window}}]))')).toBeUndefined();
    expect(promqlSyntaxError('sum by (route) (rate(x[{{.window}}] @ end()))\n/\nsum by (route) (rate(y[{{.window}}]))')).toBeUndefined();
  });

  it('counts columns in the query as written, {{.window}} 11 characters wide', () => {
    // 'rate(x[{{.window}}] +' is 21 characters: the missing operand is at column 22 (by hand).
    expect(promqlSyntaxError('rate(x[{{.window}}] +')).toMatchObject({ offset: 21, line: 1, column: 22, atEnd: true });
    // Two windows before the error: a matcher after the range, its `{` the 43rd character (by hand: 23 + 7 + 11 + 1 + 1).
    expect(promqlSyntaxError('rate(x[{{.window}}]) + rate(y[{{.window}}]{a=b})')).toMatchObject({ offset: 42, line: 1, column: 43, atEnd: false });
  });

  it('reads a function the grammar does not know as a known one and still finds a later error', () => {
    expect(promqlSyntaxError('zz(newfn(x[{{.window}}]), 2)')).toBeUndefined();
    expect(promqlSyntaxError('newfn(x[{{.window}}]) +')).toMatchObject({ column: 24, atEnd: true });
    // No PromQL function has a one-letter name: refused.
    expect(promqlSyntaxError('f(x[{{.window}}])')).toBeDefined();
  });

  it('shows an excerpt on one line, elided on both sides of a long query', () => {
    const e = promqlSyntaxError(`sum(rate(a_very_long_metric_name_total{code=~"5.."}[{{.window}}]))\n  / * sum(rate(another_long_metric_total[{{.window}}]))`);
    expect(e).toMatchObject({ line: 2, column: 5 });
    expect(e!.excerpt).toBe('….."}[{{.window}}])) / ⟨here⟩* sum(rate(anoth…');
  });
});

describe('parseSlaSpec with a raw-PromQL query', () => {
  it('drops hostile values into problems without throwing anything else', () => {
    for (const bad of [42, null, ['x'], '', '{{.window}} +', '('.repeat(100_000) + '{{.window}}', NaN]) {
      const err = errorOf(() => parseSlaSpec(setup(bad)));
      expect(err.problems.map((p) => p.field)).toEqual(['objectives[q].promql.errorQuery']);
    }
  });
});
