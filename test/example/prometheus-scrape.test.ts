import { METRICS, LABEL, BUILTIN_OPERATION_TYPES } from '@perfkit/core';
import { promtoolCheckMetrics, startExample, startPrometheus, waitFor, type StartedExample, type StartedPrometheus } from '../helpers';


describe('example model service scraped by a real Prometheus', () => {
  let example: StartedExample;
  let prometheus: StartedPrometheus;

  beforeAll(async () => {
    // Failure knobs high enough that retries, failed integrity checks and error types appear within seconds.
    example = await startExample({ traffic: 30, knobs: { downloadFailureRate: 0.6, healthCorruptionRate: 0.2, generateFailureRate: 0.05 } });
    prometheus = await startPrometheus({ scrapeTargets: [example.metrics] });
    await prometheus.waitForTargets();
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await example?.stop();
  });

  it('returns the operation duration histogram for every built-in operation type through the query API', async () => {
    const name = METRICS.operationDuration.prom;
    const types = await waitFor(async () => {
      const samples = await prometheus.query(`sum by (${LABEL.operationType}) (${name}_count{job="model-service"})`);
      const seen = new Set(samples.map((s) => s.metric[LABEL.operationType]));
      return BUILTIN_OPERATION_TYPES.every((t) => seen.has(t)) ? seen : undefined;
    }, 30_000, 500);
    expect([...types].sort()).toEqual([...BUILTIN_OPERATION_TYPES].sort());
    const buckets = await prometheus.query(`${name}_bucket{${LABEL.operationType}="model_operation",${LABEL.operationName}="generate",${LABEL.outcome}="success"}`);
    expect(buckets.map((s) => s.metric.le)).toContain('+Inf');
    const seconds = await prometheus.query(`histogram_quantile(0.5, sum by (le) (${name}_bucket{${LABEL.operationType}="model_operation"}))`);
    expect(Number(seconds[0]!.value[1])).toBeGreaterThan(0);
    expect(Number(seconds[0]!.value[1])).toBeLessThan(60);
  });

  it('returns every per-type figure series the example records', async () => {
    const expected = [
      METRICS.operationsActive, METRICS.operationRetries, METRICS.downloadBytes, METRICS.downloadIntegrityChecks,
      METRICS.healthCheckCorruptions, METRICS.fallbackAlternatives, METRICS.modelTokens, METRICS.analyticsRecords,
      METRICS.droppedMeasurements,
    ].map((m) => m.prom);
    const scores = [METRICS.healthCheckIntegrityScore.prom, METRICS.fallbackCompatibilityScore.prom].map((n) => `${n}_count`);
    for (const series of [...expected, ...scores, 'target_info']) {
      const samples = await waitFor(async () => {
        const result = await prometheus.query(`${series}{job="model-service"}`);
        return result.length ? result : undefined;
      }, 20_000, 500);
      expect(samples[0]!.metric.instance).toBe(new URL(example.metrics).host);
    }
    const failed = await prometheus.query(`${METRICS.downloadIntegrityChecks.prom}{${LABEL.integrityResult}="failed"}`);
    expect(failed).toHaveLength(1);
    const errorTypes = await waitFor(async () => {
      const r = await prometheus.query(`count by (${LABEL.errorType}) (${METRICS.operationDuration.prom}_count{${LABEL.outcome}="failure"})`);
      return r.length ? r : undefined;
    }, 20_000, 500);
    expect(errorTypes.map((s) => s.metric[LABEL.errorType])).not.toContain('');
  });

  it('finds nothing to report with promtool check metrics on the scraped text', async () => {
    const text = await (await fetch(example.metrics)).text();
    expect(text).toContain(`${METRICS.operationDuration.prom}_bucket`);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
  });

  it('is told apart by promtool when the text breaks a convention', async () => {
    const { report } = promtoolCheckMetrics('# HELP broken_metric a counter without _total\n# TYPE broken_metric counter\nbroken_metric 1\n');
    expect(report).toMatch(/broken_metric/);
  });

  it('rejects a hostile query instead of returning data', async () => {
    await expect(prometheus.query('sum(')).rejects.toThrow(/bad_data|parse error/);
    expect(await prometheus.query(`${METRICS.operationDuration.prom}_count{operation_type="${'x'.repeat(10_000)}"}`)).toEqual([]);
  });
});
