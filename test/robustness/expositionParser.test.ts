import { parseExposition } from './helpers/expositionParser';

// The strict parser is the judge of several robustness tests; it must reject what Prometheus rejects.
const head = '# HELP m_total x\n# TYPE m_total counter\n';

describe('the strict exposition parser used by the robustness tests', () => {
  it('reads back escaped label values exactly when they hold quotes, backslashes and newlines', () => {
    const exp = parseExposition(`${head}m_total{a="q\\"b\\\\s\\nn",b=""} 1\n`);
    expect(exp.samples[0]!.labels).toEqual({ a: 'q"b\\s\nn', b: '' });
  });

  it.each([
    ['a bad escape', `${head}m_total{a="\\q"} 1\n`],
    ['a raw newline in a value', `${head}m_total{a="x\ny"} 1\n`],
    ['Infinity instead of +Inf', `${head}m_total Infinity\n`],
    ['a sample without TYPE', 'x 1\n'],
    ['a duplicate series', `${head}m_total{a="1"} 1\nm_total{a="1"} 2\n`],
    ['a bad label name', `${head}m_total{1a="1"} 1\n`],
    ['an unquoted value', `${head}m_total{a=1} 1\n`],
    ['a missing final newline', `${head}m_total 1`],
    ['interleaved families', `${head}m_total 1\n# HELP n x\n# TYPE n gauge\nn 1\nm_total{a="2"} 1\n`],
    ['non-cumulative buckets', '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n'],
    ['a histogram without +Inf', '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_count 2\nh_sum 1\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });

  it('rejects OpenMetrics without # EOF and accepts it with one', () => {
    expect(() => parseExposition(`${head}m_total 1\n`, { openMetrics: true })).toThrow(/EOF/);
    expect(parseExposition(`# HELP m x\n# TYPE m counter\nm_total 1\n# EOF\n`, { openMetrics: true }).samples).toHaveLength(1);
  });
});
