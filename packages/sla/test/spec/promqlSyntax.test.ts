import { parseSlaSpec } from '@perfkit/sla';
import { hasWindowPlaceholder, promqlSyntaxError, readPromql } from '../../src/spec/promqlSyntax';
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
    // One letter: no function of that length to read it as; blanked, it is still a call, not a syntax error.
    expect(promqlSyntaxError('f(x[{{.window}}])')).toBeUndefined();
    expect(readPromql('f(x[{{.window}}])').calls).toMatchObject([{ name: 'f', isKnownToGrammar: false, column: 1 }]);
  });

  it('lists every call in the order written, with where it is, and only calls', () => {
    const { syntaxError, calls } = readPromql('sum by (rate) (rat(irat(rate{rat="f(x)"}[{{.window}}])))\n/ on (rate) ln(2)');
    expect(syntaxError).toBeUndefined();
    // Columns by hand: sum at 1, rat at 16, irat at 20; ln on line 2 at column 13.
    expect(calls.map((c) => [c.name, c.isKnownToGrammar, c.line, c.column])).toEqual([
      ['sum', true, 1, 1], ['rat', false, 1, 16], ['irat', false, 1, 20], ['ln', true, 2, 13],
    ]);
  });

  it('does not take a keyword the grammar misreads past an unknown call for a call (`by (le)`)', () => {
    const { syntaxError, calls } = readPromql('histogram_quantil(0.9, sum by (le) (rate(d_bucket[{{.window}}])))');
    expect(syntaxError).toBeUndefined();
    expect(calls.map((c) => c.name)).toEqual(['histogram_quantil', 'sum', 'rate']);
  });

  it('keeps a recording rule\'s name before ( a syntax error, as Prometheus does', () => {
    expect(readPromql('job:rate(x[{{.window}}])')).toMatchObject({ syntaxError: { column: 9 }, calls: [] });
  });

  it('shows an excerpt on one line, elided on both sides of a long query', () => {
    const e = promqlSyntaxError(`sum(rate(a_very_long_metric_name_total{code=~"5.."}[{{.window}}]))\n  / * sum(rate(another_long_metric_total[{{.window}}]))`);
    expect(e).toMatchObject({ line: 2, column: 5 });
    expect(e!.excerpt).toBe('….."}[{{.window}}])) / ⟨here⟩* sum(rate(anoth…');
  });
});

describe('the {{.window}} placeholder', () => {
  it('is found with or without spaces inside the braces, and not half-written', () => {
    expect(['x[{{.window}}]', 'x[{{ .window }}]', 'x[{{\t.window  }}]'].map(hasWindowPlaceholder)).toEqual([true, true, true]);
    expect(['x[{.window}]', 'x[{{window}}]', 'x[{{.Window}}]', 'x[5m]'].map(hasWindowPlaceholder)).toEqual([false, false, false, false]);
  });

  it('is a range only as the whole duration of a range selector or a subquery\'s range', () => {
    const isRange = (q: string) => readPromql(q).isWindowARange;
    expect(['x[{{.window}}]', 'x[ {{ .window }} ]', 'x[{{.window}}] offset 1h', 'max_over_time(x[1m])[{{.window}}:]'].map(isRange)).toEqual([true, true, true, true]);
    expect(['x[5m] # {{.window}}', 'x{a="{{.window}}"}[5m]', 'x[5m] offset {{.window}}', 'x[1h:{{.window}}]', 'x[1{{.window}}]', 'x[{{.window}}1s]'].map(isRange))
      .toEqual([false, false, false, false, false, false]);
    // A query that does not parse reads no range.
    expect(isRange('x[{{.window}}] +')).toBe(false);
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
