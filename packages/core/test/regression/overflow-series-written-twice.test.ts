import { createPerfkit, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

class DownloadError extends Error {}

/** Every sample line's series (name and label set), in scrape order. */
function seriesOf(text: string): string[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' ')));
}

describe('regression: an overflow series was written twice', () => {
  it('writes each overflow series once when old handles and overflowing names fail alike', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 10 } });
    open.push(perf);
    for (let i = 0; i < 10; i++) perf.trackOperation('download', `name-${i}`, () => 0);
    for (let i = 0; i < 30; i++) {
      expect(() =>
        perf.trackOperation('download', `name-${i}`, () => {
          throw new DownloadError('boom');
        }),
      ).toThrow(DownloadError);
    }
    const text = await perf.metrics();
    const series = seriesOf(text);
    const seen = new Set<string>();
    const duplicates = series.filter((s) => (seen.has(s) ? true : (seen.add(s), false)));
    expect(duplicates).toEqual([]);
    // 10 old names whose failure rows overflowed + 20 names that never got a series: 30 failures, in one series.
    const count = text.split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_count{') && l.includes('otel_metric_overflow="true"') && l.includes('error_type="DownloadError"'));
    expect(count).toHaveLength(1);
    expect(count[0]!.endsWith(' 30')).toBe(true);
  });
});
