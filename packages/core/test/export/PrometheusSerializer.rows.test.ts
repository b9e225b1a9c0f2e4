import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '@perfkit/core';
import { histogramText, PrometheusSerializer } from '../../src/export/PrometheusSerializer';
import { SlicedWriter } from '../../src/export/SlicedWriter';
import type { ExemplarRow, HistogramRowSource } from '../../src/store/HistogramTable';
import { OperationStore } from '../../src/store/OperationStore';
import type { OperationHandle } from '../../src/operations/OperationHandle';

// Every expected text below is written by hand (mutation testing, issue 18).

/** Runs `histogramText` over `rows` to the end; `budgetMs` 0 makes it yield at every check it makes. */
function write(rows: HistogramRowSource, withExemplars?: boolean, budgetMs = Infinity): { text: string; yields: number } {
  let text = '';
  const w = new SlicedWriter((chunk) => (text += chunk), budgetMs);
  const work = histogramText('x', rows, w, withExemplars);
  let yields = 0;
  while (!work.next().done) yields++;
  w.flush();
  return { text, yields };
}

/** Rows with two buckets (le 1, +Inf) read from `data`: per row [count le 1, count +Inf only, sum, count]. */
function source(data: number[][], exemplars?: Array<ExemplarRow | undefined>): HistogramRowSource {
  return {
    size: data.length,
    leSuffix: [',le="1"} ', ',le="+Inf"} '],
    tail: 2,
    copyRow: (row, into) => into.set(data[row]!),
    rowLabels: (row) => `r="${row}"`,
    ...(exemplars ? { exemplarsOf: (row: number) => exemplars[row] } : {}),
  };
}

describe('histogramText', () => {
  it('writes every row of a source of 17 rows, past the text it hands on every 16 rows', () => {
    // Row r: r values at or under 1 and one above; sum 2r + 5.
    const data = Array.from({ length: 17 }, (_, r) => [r, 1, 2 * r + 5, r + 1]);
    let expected = '';
    for (let r = 0; r < 17; r++) {
      expected += `x_bucket{r="${r}",le="1"} ${r}\nx_bucket{r="${r}",le="+Inf"} ${r + 1}\nx_sum{r="${r}"} ${2 * r + 5}\nx_count{r="${r}"} ${r + 1}\n`;
    }
    expect(write(source(data)).text).toBe(expected);
    const sliced = write(source(data), false, 0);
    expect(sliced.text).toBe(expected);
    expect(sliced.yields).toBe(1); // checked before row 15 only (every 16 rows)
  });

  const exemplar: ExemplarRow = {
    traceIds: ['0af7651916cd43dd8448eb211c80319c', 'ffffffffffffffffffffffffffffffff'],
    spanIds: ['b7ad6b7169203331', 'ffffffffffffffff'],
    values: new Float64Array([0.25, 7]),
    // 2023-11-14T22:13:20.123Z for le="1"; 0 (no exemplar) for +Inf, whatever its other fields say.
    times: new Float64Array([1_700_000_000_123, 0]),
  };

  it('writes an exemplar after each bucket that has one, in OpenMetrics form, when asked to', () => {
    const rows = source([[1, 1, 7.25, 2], [0, 0, 0, 0]], [exemplar, undefined]);
    expect(write(rows, true).text).toBe(
      'x_bucket{r="0",le="1"} 1 # {trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"} 0.25 1700000000.123\n' +
        'x_bucket{r="0",le="+Inf"} 2\nx_sum{r="0"} 7.25\nx_count{r="0"} 2\n' +
        'x_bucket{r="1",le="1"} 0\nx_bucket{r="1",le="+Inf"} 0\nx_sum{r="1"} 0\nx_count{r="1"} 0\n',
    );
  });

  it('writes no exemplar unless asked to, and none from a source that has no exemplars', () => {
    const plain = 'x_bucket{r="0",le="1"} 1\nx_bucket{r="0",le="+Inf"} 2\nx_sum{r="0"} 7.25\nx_count{r="0"} 2\n';
    expect(write(source([[1, 1, 7.25, 2]], [exemplar])).text).toBe(plain);
    expect(write(source([[1, 1, 7.25, 2]], [exemplar]), false).text).toBe(plain);
    expect(write(source([[1, 1, 7.25, 2]]), true).text).toBe(plain);
  });
});

describe('PrometheusSerializer.header', () => {
  it('writes a UNIT line in OpenMetrics only for a family whose name ends in _<unit>', () => {
    const om = new PrometheusSerializer(true);
    expect(om.header('app_size_bytes', 'gauge', 'By', 'Size.')).toBe('# HELP app_size_bytes Size.\n# TYPE app_size_bytes gauge\n# UNIT app_size_bytes bytes\n');
    expect(om.header('app_sent_bytes_total', 'counter', 'By', 'Sent.')).toBe('# HELP app_sent_bytes Sent.\n# TYPE app_sent_bytes counter\n# UNIT app_sent_bytes bytes\n');
    // The unit is not the name's suffix: no UNIT line (OpenMetrics requires the suffix).
    expect(om.header('app_size', 'gauge', 'By', 'Size.')).toBe('# HELP app_size Size.\n# TYPE app_size gauge\n');
    expect(om.header('app_kilobytes', 'gauge', 'By', 'Size.')).toBe('# HELP app_kilobytes Size.\n# TYPE app_kilobytes gauge\n');
    // No unit at all, even for a name ending in "_".
    expect(om.header('app_', 'gauge', '', 'Odd.')).toBe('# HELP app_ Odd.\n# TYPE app_ gauge\n');
    expect(new PrometheusSerializer(false).header('app_size_bytes', 'gauge', 'By', 'Size.')).toBe('# HELP app_size_bytes Size.\n# TYPE app_size_bytes gauge\n');
  });

  it('exports the content types of the text format 0.0.4 and OpenMetrics 1.0.0', () => {
    // As the Prometheus exposition-format and OpenMetrics specifications spell them.
    expect(TEXT_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(OPENMETRICS_CONTENT_TYPE).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
  });
});

describe('PrometheusSerializer.serializeResourceMetrics', () => {
  it('writes SDK gauges with no constant labels when none are given', () => {
    const rm = {
      resource: { attributes: {} },
      scopeMetrics: [
        {
          scope: { name: 'app' },
          metrics: [
            {
              descriptor: { name: 'app.queue.depth', unit: '{job}', description: 'Jobs waiting.', valueType: 1 },
              dataPointType: DataPointType.GAUGE,
              aggregationTemporality: 1,
              dataPoints: [
                { attributes: { queue: 'a' }, value: 3, startTime: [0, 0], endTime: [0, 0] },
                { attributes: {}, value: 4, startTime: [0, 0], endTime: [0, 0] },
              ],
            },
          ],
        },
      ],
    } as unknown as ResourceMetrics;
    expect(new PrometheusSerializer(false).serializeResourceMetrics(rm)).toBe(
      '# HELP app_queue_depth Jobs waiting.\n# TYPE app_queue_depth gauge\napp_queue_depth{queue="a"} 3\napp_queue_depth 4\n',
    );
  });
});

function newStore(): OperationStore {
  const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
  return new OperationStore({ operationTypes: {}, views: [], limits: { maxSeriesPerMetric: 5000, maxErrorTypes: 50, maxNameLength: 128, maxOperationTypes: 64 } }, quiet);
}

describe('PrometheusSerializer.storeText figures', () => {
  it('writes each reported figure family once, its header first, an integrity result as a labelled pair', () => {
    const store = newStore();
    const a = store.operation('download', 'a') as OperationHandle;
    a.integrityCheck(true);
    a.addBytes(5);
    (store.operation('download', 'b') as OperationHandle).integrityCheck(false);
    const lines = new PrometheusSerializer(false)
      .serializeStore(store)
      .split('\n')
      .filter((l) => /download_bytes|integrity_checks/.test(l));
    const labels = (name: string) => `operation_type="download",operation_name="${name}"`;
    expect(lines).toEqual([
      '# HELP perfkit_download_bytes_total Bytes downloaded (op.addBytes()).',
      '# TYPE perfkit_download_bytes_total counter',
      `perfkit_download_bytes_total{${labels('a')}} 5`,
      '# HELP perfkit_download_integrity_checks_total Integrity checks of downloads by result, passed or failed (op.integrityCheck()).',
      '# TYPE perfkit_download_integrity_checks_total counter',
      `perfkit_download_integrity_checks_total{${labels('a')},integrity_result="passed"} 1`,
      `perfkit_download_integrity_checks_total{${labels('a')},integrity_result="failed"} 0`,
      `perfkit_download_integrity_checks_total{${labels('b')},integrity_result="passed"} 0`,
      `perfkit_download_integrity_checks_total{${labels('b')},integrity_result="failed"} 1`,
    ]);
  });
});

describe('PrometheusSerializer.storeText slicing with 255 handles', () => {
  it('checks its budget at row 15, 31, ... of 255 rows and at gauge 63, 127 and 191, never in the figure families', () => {
    const store = newStore();
    for (let i = 0; i < 255; i++) (store.operation('fallback', `n${i}`) as OperationHandle).retry();
    let text = '';
    const w = new SlicedWriter((chunk) => (text += chunk), 0);
    const work = new PrometheusSerializer(false).storeText(store, w);
    let yields = 0;
    while (!work.next().done) yields++;
    w.flush();
    // 255 duration rows: a check before rows 15, 31, ..., 239 = 15 yields; 255 active gauges: 63, 127, 191 = 3;
    // the 255 handles with figures stay under the check every 256 of them: 0. Together 18.
    expect(yields).toBe(18);
    expect(text.split('\n').filter((l) => l.startsWith('perfkit_operation_retries_total{'))).toHaveLength(255);
    expect(text).toContain('perfkit_operation_retries_total{operation_type="fallback",operation_name="n254"} 1\n');
  });
});
