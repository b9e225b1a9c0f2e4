import { Worker } from 'node:worker_threads';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { ensureBuilt } from '../../../../test/helpers/build';

// A worker thread whose perfkit has other limits, views, exemplars and resource attributes than its main thread's.
// Before the fix only serviceName and buckets were compared: the rest was merged without a word, and a user
// reading the main thread's /metrics could not know that the thread's limits and resource were not the ones served.
// Now: one line naming every difference, and the defined behaviour (the aggregator's configuration rules the merged
// series) holds: counts exact, the aggregator's resource only.

describe('a worker thread configured otherwise than its main thread', () => {
  let perf: Perfkit | undefined;
  afterEach(async () => {
    await perf?.shutdown();
  });

  it('is merged under the main thread configuration and said in one line', async () => {
    const lines: string[] = [];
    perf = createPerfkit({ serviceName: 'cfg', prometheus: { port: 0 }, limits: { maxSeriesPerMetric: 3 }, logLevel: 'warn', logger: { warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } });
    const core = ensureBuilt('packages/core', 'index.js');
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const perf = require(${JSON.stringify(core)}).createPerfkit({ serviceName: 'cfg', prometheus: { port: 0 }, logLevel: 'none',
         limits: { maxSeriesPerMetric: 50 }, exemplars: true, resourceAttributes: { 'deployment.environment': 'staging' },
         views: [{ operationType: 'download', attributes: ['operation.type', 'operation.outcome'] }] });
       for (let i = 0; i < 5; i++) perf.operation('model_operation', 'file-' + i).record(0.2);
       parentPort.postMessage('done');
       parentPort.once('message', () => process.exit(0));`,
      { eval: true },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    const counts = (text: string) => [...text.matchAll(/^perfkit_operation_duration_seconds_count\{operation_type="model_operation"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    let text = await perf.metrics();
    for (const until = Date.now() + 15_000; counts(text) !== 5 && Date.now() < until; text = await perf.metrics()) await new Promise((r) => setTimeout(r, 100));
    expect(counts(text)).toBe(5); // every operation counted, within this perfkit's limit of 3 series (+ overflow)
    expect(text.match(/^perfkit_operation_duration_seconds_count\{operation_type="model_operation",operation_name="file-\d"/gm)!.length).toBeLessThanOrEqual(3);
    expect(text).not.toContain('staging');
    const said = lines.filter((l) => l.includes('runs perfkit configured otherwise than this perfkit'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^worker thread \d+ runs perfkit configured otherwise than this perfkit \(/);
    expect(said[0]).toContain('limits.maxSeriesPerMetric 50 vs 3');
    expect(said[0]).toContain('resource.deployment.environment "staging" vs (unset)');
    expect(said[0]).toContain('exemplars true vs false');
    expect(said[0]).toMatch(/views \[\{"operationType":"download".* vs \[\]/);
    expect(said[0]).toContain("merged here under this perfkit's limits, views and resource");
    worker.postMessage('exit');
    await new Promise((resolve) => worker.once('exit', resolve));
  });
});
