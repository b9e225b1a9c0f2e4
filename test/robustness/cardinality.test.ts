import { createPerfkit, LABEL, METRICS, OUTCOMES } from '@perfkit/core';
import { parseExposition, samplesOf } from './helpers/expositionParser';
import { settledHeapUsed } from './helpers/memory';

/** The stated bound: a million distinct names or error types may add at most this much settled heap. */
const HEAP_BOUND_BYTES = 32 * 1024 * 1024;
const STORM = 1_000_000;
const LIMIT = 500;
const MAX_ERROR_TYPES = 20;

function setup() {
  const perf = createPerfkit({
    serviceName: 'storm',
    prometheus: { serve: false },
    limits: { maxSeriesPerMetric: LIMIT, maxErrorTypes: MAX_ERROR_TYPES },
    logLevel: 'none',
  });
  return { perf };
}

const durationCount = `${METRICS.operationDuration.prom}_count`;

describe('a cardinality storm', () => {
  it('keeps every metric within limits.maxSeriesPerMetric, overflows into otel_metric_overflow="true" and loses no count when a million distinct operation names arrive', async () => {
    const { perf } = setup();
    const before = await settledHeapUsed();
    for (let i = 0; i < STORM; i++) {
      const op = perf.operation(i % 2 ? 'download' : 'model_operation', `name-${i}-${'x'.repeat(i % 50)}`);
      op.record(0.01 * (i % 7));
      if (i % 3 === 0) op.addBytes(10);
      if (i % 5 === 0) op.start().fail(Object.assign(new Error('e'), { code: `E${i % 9}` }));
    }
    const grown = (await settledHeapUsed()) - before;
    const exp = parseExposition(await perf.metrics());

    const rows = samplesOf(exp, durationCount);
    const regular = rows.filter((s) => s.labels[LABEL.overflow] === undefined);
    const overflow = rows.filter((s) => s.labels[LABEL.overflow] === 'true');
    expect(regular.length).toBeLessThanOrEqual(LIMIT);
    expect(overflow.length).toBeGreaterThan(0);
    for (const s of overflow) expect(s.labels[LABEL.operationName]).toBeUndefined();
    // Overflow keeps only type, outcome and the already bounded error type.
    for (const type of ['download', 'model_operation']) {
      expect(overflow.filter((s) => s.labels[LABEL.operationType] === type).length).toBeLessThanOrEqual(OUTCOMES.length + MAX_ERROR_TYPES + 1);
    }
    const total = rows.reduce((n, s) => n + s.value, 0);
    expect(total).toBe(STORM + STORM / 5);

    for (const family of [METRICS.operationsActive.prom, METRICS.downloadBytes.prom]) {
      const series = samplesOf(exp, family);
      expect(series.filter((s) => s.labels[LABEL.overflow] === undefined).length).toBeLessThanOrEqual(LIMIT);
      expect(series.filter((s) => s.labels[LABEL.overflow] === 'true').length).toBeLessThanOrEqual(2);
    }
    const bytes = samplesOf(exp, METRICS.downloadBytes.prom).reduce((n, s) => n + s.value, 0);
    expect(bytes).toBe(10 * Math.ceil(STORM / 3));
    expect(perf.snapshot().series.length).toBeLessThanOrEqual(LIMIT + 2 * (OUTCOMES.length + MAX_ERROR_TYPES + 1));
    process.stdout.write(`[robustness] cardinality: 1M names -> ${regular.length} named + ${overflow.length} overflow duration series, heap +${(grown / 1e6).toFixed(1)} MB\n`);
    expect(grown).toBeLessThan(HEAP_BOUND_BYTES);
    await perf.shutdown();
  });

  it('caps error types per operation type at limits.maxErrorTypes with the rest under _OTHER when a million distinct error types are thrown', async () => {
    const { perf } = setup();
    const op = perf.operation('download', 'fetch');
    const before = await settledHeapUsed();
    for (let i = 0; i < STORM; i++) {
      if (i % 2) op.start().fail(Object.assign(new Error('e'), { code: `ERR_${i}` }));
      else op.record(0.1, { outcome: 'failure', errorType: `Custom${i}` });
    }
    const grown = (await settledHeapUsed()) - before;
    const exp = parseExposition(await perf.metrics());
    const failures = samplesOf(exp, durationCount, { operation_type: 'download', operation_outcome: 'failure' });
    expect(failures.length).toBe(MAX_ERROR_TYPES + 1);
    expect(failures.filter((s) => s.labels[LABEL.errorType] === '_OTHER')).toHaveLength(1);
    expect(failures.reduce((n, s) => n + s.value, 0)).toBe(STORM);
    process.stdout.write(`[robustness] cardinality: 1M error types -> ${failures.length} failure series, heap +${(grown / 1e6).toFixed(1)} MB\n`);
    expect(grown).toBeLessThan(HEAP_BOUND_BYTES);
    await perf.shutdown();
  });

  it('keeps the unknown-type and invalid-name paths bounded when a million distinct unknown types and oversized names arrive', async () => {
    const { perf } = setup();
    const before = await settledHeapUsed();
    for (let i = 0; i < STORM; i++) {
      perf.operation(`unknown_${i}`, 'x').record(1);
      perf.operation('download', `${'n'.repeat(129)}${i}`).retry();
    }
    const grown = (await settledHeapUsed()) - before;
    const drops = perf.snapshot().drops;
    expect(drops.unknown_operation_type).toBe(STORM);
    expect(drops.invalid_name).toBe(STORM);
    expect(grown).toBeLessThan(HEAP_BOUND_BYTES);
    await perf.shutdown();
  });
});
