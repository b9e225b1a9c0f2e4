import { createPerfkit, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

/** `perfkit_operation_duration_seconds_count` per label set, read from the scrape text. */
function counts(text: string): Map<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_count{'));
  return new Map(lines.map((l) => [l.slice(l.indexOf('{') + 1, l.lastIndexOf('}')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
}

describe('regression: a view-named operation\'s new row past the series limit was written into another series', () => {
  it('counts a timeout of an operation with buckets of its own once, under its own outcome, after the limit is reached', async () => {
    // The view gives "n" buckets of its own, so its rows live in a table of their own. Four rows fill the limit:
    // n success, n failure E, n failure F (n's table), a success (the type's table). n's first timeout then asked
    // for a row past the limit: it got the row number of the type's overflow series (row 2 of the type's table)
    // and wrote the measurement into row 2 of its own table, which is n's failure F.
    const perf = createPerfkit({
      prometheus: { serve: false },
      logLevel: 'none',
      limits: { maxSeriesPerMetric: 4 },
      views: [{ operationType: 'download', operationName: 'n', buckets: [7] }],
    });
    open.push(perf);
    const n = perf.operation('download', 'n');
    n.record(1, { outcome: 'failure', errorType: 'E' });
    n.record(1, { outcome: 'failure', errorType: 'F' });
    perf.operation('download', 'a').record(1);
    n.record(2, { outcome: 'timeout' });
    const c = counts(await perf.metrics());
    expect(c.get('operation_type="download",operation_name="n",operation_outcome="failure",error_type="F"')).toBe(1);
    expect(c.get('operation_type="download",operation_name="n",operation_outcome="timeout"')).toBe(1);
    // Four measurements, each counted once.
    expect([...c.values()].reduce((a, b) => a + b, 0)).toBe(4);
  });
});
